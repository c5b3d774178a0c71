/** The rollout repository contract on SQLite. */
import { describeRolloutRepositoryContract } from '../rollout-repository.contract.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

describeRolloutRepositoryContract('sqlite', createSqliteHarness);
