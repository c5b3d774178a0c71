/** `openKiln` composes every service and sizes DuckDB from the configured budget and threads. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configureDuckDb, duckDbSettings } from './data/io/duckdb-session.js';
import { openKiln } from './kiln.js';

describe('openKiln', () => {
  it('composes datasets and training and applies memory_limit/threads to DuckDB', async () => {
    const home = await mkdtemp(join(tmpdir(), 'kiln-open-'));
    const kiln = await openKiln({ home, databaseUrl: `sqlite:${join(home, 'kiln.db')}`, memoryBudgetBytes: 2 * 1024 ** 3, threads: 1 });
    try {
      expect(kiln.datasets).toBeDefined();
      expect((await kiln.training.list()).items).toEqual([]);
      // Half the budget goes to DuckDB; DuckDB reports it in its own units.
      expect(await duckDbSettings()).toEqual({ memoryLimit: expect.stringMatching(/^1(\.0)? ?GiB$/), threads: 1 });
      // A running instance is re-sized in place.
      await configureDuckDb({ memoryLimitBytes: 256 * 1024 ** 2, threads: 2 });
      expect(await duckDbSettings()).toEqual({ memoryLimit: expect.stringMatching(/^256(\.0)? ?MiB$/), threads: 2 });
    } finally {
      await kiln.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
