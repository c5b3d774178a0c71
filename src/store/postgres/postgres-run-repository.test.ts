/** The run repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeRunRepositoryContract } from '../run-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('run repository', (pg) => describeRunRepositoryContract('postgres', pg.createHarness));
