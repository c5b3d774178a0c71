/** The rollout repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeRolloutRepositoryContract } from '../rollout-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('rollout repository', (pg) => describeRolloutRepositoryContract('postgres', pg.createHarness));
