/** The security repositories contract (projects, tokens, audit log) on SQLite. */
import { describeSecurityRepositoriesContract } from '../security-repository.contract.js';
import { createSqliteHarness } from './sqlite-test-harness.js';

describeSecurityRepositoriesContract('sqlite', createSqliteHarness, { secondConnection: false });
