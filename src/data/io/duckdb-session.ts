/**
 * The embedded DuckDB engine the readers and writers run on: one in-memory instance per process,
 * a fresh connection per operation (connections are cheap; the instance and its thread pool are not).
 * `configureDuckDb` sizes it from the machine (`KILN_MEMORY_BUDGET`, `KILN_THREADS`, applied by
 * `openKiln`): before the instance exists the settings go into its creation, afterwards into `SET`.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { loadDuckDb } from './duckdb-module.js';

/** How much of the machine DuckDB may use. */
export interface DuckDbSettings {
  /** DuckDB's `memory_limit`, in bytes. */
  readonly memoryLimitBytes: number;
  /** DuckDB's `threads`. */
  readonly threads: number;
}

let instance: Promise<DuckDBInstance> | undefined;
let settings: DuckDbSettings | undefined;

function sharedInstance(): Promise<DuckDBInstance> {
  // Insertion order is DuckDB's default; set it explicitly because row order is part of our contract.
  instance ??= loadDuckDb().then(({ DuckDBInstance }) => DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true', ...(settings ? settingsOptions(settings) : {}) }));
  return instance;
}

function settingsOptions(s: DuckDbSettings): Record<string, string> {
  return { memory_limit: `${Math.max(1, Math.floor(s.memoryLimitBytes / 1024 ** 2))}MiB`, threads: String(Math.max(1, Math.floor(s.threads))) };
}

/** Size the shared DuckDB from the machine's budget (takes effect at once, also on a running instance). */
export async function configureDuckDb(next: DuckDbSettings): Promise<void> {
  settings = next;
  if (!instance) return;
  const conn = await (await instance).connect();
  try {
    const opts = settingsOptions(next);
    await conn.run(`SET memory_limit = '${opts.memory_limit}'`);
    await conn.run(`SET threads = ${opts.threads}`);
  } finally {
    conn.closeSync();
  }
}

/** DuckDB's current `memory_limit` and `threads` (for tests and diagnostics). */
export async function duckDbSettings(): Promise<{ memoryLimit: string; threads: number }> {
  return withDuckDb(async (conn) => {
    const rows = (await conn.runAndReadAll("SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t")).getRowObjects();
    return { memoryLimit: String(rows[0].m), threads: Number(rows[0].t) };
  });
}

/** Run `work` with a new connection to the shared in-memory DuckDB, closing the connection afterwards. */
export async function withDuckDb<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await (await sharedInstance()).connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
  }
}

/** A connection the caller closes (for generators that outlive one call). */
export async function openDuckDbConnection(): Promise<DuckDBConnection> {
  return (await sharedInstance()).connect();
}
