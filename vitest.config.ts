import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core CI box: forks keep native modules (DuckDB, better-sqlite3) isolated per file.
    pool: 'forks',
    // At least two files at a time, even on 2 cores (vitest's default there is one): most e2e files wait on
    // child processes, servers and timers, and two forks took the suite from ~19 to ~11 minutes under load.
    // Files share the servers but never state: each makes its own schema, key prefix, stream and home.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
