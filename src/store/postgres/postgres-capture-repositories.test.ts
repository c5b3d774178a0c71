/** The capture-segment and prediction-feedback contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeCaptureRepositoriesContract } from '../capture-repositories.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('capture repositories', (pg) => describeCaptureRepositoriesContract('postgres', pg.createHarness));
