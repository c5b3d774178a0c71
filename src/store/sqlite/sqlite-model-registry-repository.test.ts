/** The model registry repository contract on SQLite. */
import { describeModelRegistryRepositoryContract } from '../model-registry-repository.contract.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

describeModelRegistryRepositoryContract('sqlite', createSqliteHarness);
