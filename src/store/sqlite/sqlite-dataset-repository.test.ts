/** The dataset repository contract on SQLite. */
import { describeDatasetRepositoryContract } from '../dataset-repository.contract.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

describeDatasetRepositoryContract('sqlite', createSqliteHarness);
