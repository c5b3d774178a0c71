/** The dataset repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeDatasetRepositoryContract } from '../dataset-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('dataset repository', (pg) => describeDatasetRepositoryContract('postgres', pg.createHarness));
