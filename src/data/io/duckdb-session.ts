/**
 * The embedded DuckDB engine the readers and writers run on: one in-memory instance per process,
 * a fresh connection per operation (connections are cheap; the instance and its thread pool are not).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

function sharedInstance(): Promise<DuckDBInstance> {
  // Insertion order is DuckDB's default; set it explicitly because row order is part of our contract.
  instance ??= DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' });
  return instance;
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
