/** The trained-model repository contract on SQLite. */
import { describeTrainedModelRepositoryContract } from '../trained-model-repository.contract.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

describeTrainedModelRepositoryContract('sqlite', createSqliteHarness);
