/** The ingest-offset and attached-suite contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeIngestRepositoriesContract } from '../ingest-offset-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('ingest repositories', (pg) => describeIngestRepositoriesContract('postgres', pg.createHarness));
