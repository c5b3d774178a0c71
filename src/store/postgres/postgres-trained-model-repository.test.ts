/** The trained-model repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeTrainedModelRepositoryContract } from '../trained-model-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('trained-model repository', (pg) => describeTrainedModelRepositoryContract('postgres', pg.createHarness));
