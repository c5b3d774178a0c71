/** The request stats repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeEndpointRequestStatsContract } from '../endpoint-request-stats-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('request stats repository', (pg) => describeEndpointRequestStatsContract('postgres', pg.createHarness));
