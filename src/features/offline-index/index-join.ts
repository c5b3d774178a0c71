/**
 * A view's part of a training set read from its offline index instead of its source: the entity rows (keys
 * as text, the same `keyText` the DuckDB join compares, and the timestamp as epoch µs) are read once, matched
 * against the index in memory, and the matched values land in the same temp table shape the DuckDB join
 * builds (`__kiln_row`, then one column per feature), so everything after it is shared.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { OfflineIndexReader } from './read-index.js';

/** The entity rows as the index matcher needs them. */
export interface EntityRowsForIndex {
  readonly rowIds: bigint[];
  readonly times: BigInt64Array;
  /** Join key (entity column name) -> its text per entity row (null when null). */
  readonly keyText: ReadonlyMap<string, ReadonlyArray<string | null>>;
}

/** Read the entity rows from `table` (columns `rowColumn`, `tsColumn` and `keyColumn(k)` for each of `keys`). */
export async function readEntityRows(conn: DuckDBConnection, table: string, rowColumn: string, tsColumn: string, keys: readonly string[], keyColumn: (k: string) => string): Promise<EntityRowsForIndex> {
  const reader = await conn.runAndReadAll(`SELECT ${rowColumn}, epoch_us(${tsColumn}), ${keys.map(keyColumn).join(', ') || 'NULL'} FROM ${table} ORDER BY ${rowColumn}`);
  const cols = reader.getColumnsJS();
  const rowIds = cols[0] as bigint[];
  const times = BigInt64Array.from(cols[1] as bigint[]);
  const keyText = new Map(keys.map((k, i) => [k, cols[i + 2] as Array<string | null>]));
  return { rowIds, times, keyText };
}

/** Build `table` (row id + `columns`) for one view from its index, matching `entities` within `ttlSeconds`. */
export async function joinViewFromIndex(
  conn: DuckDBConnection,
  reader: OfflineIndexReader,
  entities: EntityRowsForIndex,
  view: { keys: readonly string[]; ttlSeconds: number | null; features: readonly string[]; columns: readonly string[] },
  table: string,
  rowColumn: string,
): Promise<void> {
  const n = entities.rowIds.length;
  const texts = view.keys.map((k) => entities.keyText.get(k) ?? []);
  const keys: Array<string | null> = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const parts = texts.map((t) => t[i] ?? null);
    // Same encoding as the index's keys.txt: the JSON array of the keys as text; a null key never matches.
    keys[i] = parts.includes(null) ? null : JSON.stringify(parts);
  }
  const vrows = reader.match(keys, entities.times, view.ttlSeconds);
  await reader.fillTable(conn, table, rowColumn, entities.rowIds, vrows, view.features, view.columns);
}
