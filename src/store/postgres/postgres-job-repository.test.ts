/** The job repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeJobRepositoryContract } from '../job-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('job repository', (pg) => describeJobRepositoryContract('postgres', pg.createHarness));
