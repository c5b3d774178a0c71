/**
 * DuckDB's JavaScript API and native bindings, loaded on first use: importing them costs ~0.2 s, which
 * every CLI command paid even when it never touched data (`kiln endpoints list`). Every path to DuckDB
 * starts with an instance, and instances are only created after `loadDuckDb()`, so the synchronous
 * readers of result vectors (`duckdbBindings()`) always find the bindings loaded.
 */
import type * as DuckDbApi from '@duckdb/node-api';
import type DuckDbBindings from '@duckdb/node-bindings';

let bindings: typeof DuckDbBindings | undefined;
let loading: Promise<typeof DuckDbApi> | undefined;

/** Load (once) and return `@duckdb/node-api`; the native bindings are loaded with it. */
export function loadDuckDb(): Promise<typeof DuckDbApi> {
  loading ??= Promise.all([import('@duckdb/node-api'), import('@duckdb/node-bindings')]).then(([a, b]) => {
    bindings = b.default;
    return a;
  });
  return loading;
}

/** The native bindings, for code that reads vectors of a result (only reachable after `loadDuckDb()`). */
export function duckdbBindings(): typeof DuckDbBindings {
  if (!bindings) throw new Error('DuckDB bindings used before loadDuckDb(): open DuckDB through duckdb-session or write-frame');
  return bindings;
}

