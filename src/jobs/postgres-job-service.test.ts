/** JobService with the embedded pool on a real PostgreSQL, several pools sharing one database. */
import { withTestPostgres } from '../store/postgres/postgres-test-harness.js';
import { describeJobServiceContract } from './job-service.contract.js';

await withTestPostgres('job service', (pg) => describeJobServiceContract('postgres', pg.createHarness, true));
