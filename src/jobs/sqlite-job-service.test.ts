/** JobService with the embedded pool on SQLite. */
import { createSqliteHarness } from '../store/sqlite/sqlite-test-harness.js';
import { describeJobServiceContract } from './job-service.contract.js';

describeJobServiceContract('sqlite', createSqliteHarness, false);
