/** The monitor repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeMonitorRepositoryContract } from '../monitor-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('monitor repository', (pg) => describeMonitorRepositoryContract('postgres', pg.createHarness));
