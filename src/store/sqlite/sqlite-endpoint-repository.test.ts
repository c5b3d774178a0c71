/** The endpoint repository contract on SQLite. */
import { describeEndpointRepositoryContract } from '../endpoint-repository.contract.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

describeEndpointRepositoryContract('sqlite', createSqliteHarness);
