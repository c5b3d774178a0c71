/** The feature-registry contract on a real PostgreSQL, one schema per test (see postgres-test-harness.ts). */
import { describeFeatureRegistryContract } from '../feature-registry-repository.contract.js';
import { withTestPostgres } from './postgres-test-harness.js';

await withTestPostgres('feature registry', (pg) => describeFeatureRegistryContract('postgres', pg.createHarness));
