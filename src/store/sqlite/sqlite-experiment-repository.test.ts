/** The experiment repository contract on SQLite. */
import { describeExperimentRepositoryContract } from '../experiment-repository.contract.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

describeExperimentRepositoryContract('sqlite', createSqliteHarness);
