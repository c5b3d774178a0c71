/** The job repository contract on SQLite. */
import { describeJobRepositoryContract } from '../job-repository.contract.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

describeJobRepositoryContract('sqlite', createSqliteHarness);
