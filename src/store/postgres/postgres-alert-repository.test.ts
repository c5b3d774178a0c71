/** The alert-repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeAlertRepositoryContract } from '../alert-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('alert repository', (pg) => describeAlertRepositoryContract('postgres', pg.createHarness));
