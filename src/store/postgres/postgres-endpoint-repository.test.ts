/** The endpoint repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeEndpointRepositoryContract } from '../endpoint-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('endpoint repository', (pg) => describeEndpointRepositoryContract('postgres', pg.createHarness));
