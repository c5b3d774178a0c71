/** The run repository contract on SQLite. */
import { describeRunRepositoryContract } from '../run-repository.contract.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

describeRunRepositoryContract('sqlite', createSqliteHarness);
