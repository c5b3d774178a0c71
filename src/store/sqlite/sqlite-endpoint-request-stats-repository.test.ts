/** The request stats repository contract on SQLite. */
import { describeEndpointRequestStatsContract } from '../endpoint-request-stats-repository.contract.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

describeEndpointRequestStatsContract('sqlite', createSqliteHarness);
