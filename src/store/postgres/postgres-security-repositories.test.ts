/** The security repositories contract on a real PostgreSQL, two connection pools per test (see postgres-test-harness.ts). */
import { describeSecurityRepositoriesContract } from '../security-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('security repositories', (pg) => describeSecurityRepositoriesContract('postgres', pg.createHarness, { secondConnection: true }));
