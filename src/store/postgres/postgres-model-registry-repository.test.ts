/** The model registry repository contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeModelRegistryRepositoryContract } from '../model-registry-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('model registry repository', (pg) => describeModelRegistryRepositoryContract('postgres', pg.createHarness));
