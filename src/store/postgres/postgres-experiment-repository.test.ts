/** The experiment repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeExperimentRepositoryContract } from '../experiment-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('experiment repository', (pg) => describeExperimentRepositoryContract('postgres', pg.createHarness));
