/**
 * Loads Frames into a DuckDB table without row objects: numeric, int64, timestamp and boolean columns
 * are copied into DuckDB vectors straight from their typed arrays (missing values become NULL via the
 * validity mask); strings go through the vector API. Timestamps are staged as DOUBLE epoch ms and
 * turned into TIMESTAMP (naive) or TIMESTAMP WITH TIME ZONE (UTC) with their microseconds by
 * `exportSelectSql`; int64 columns are BIGINT end to end, so Parquet keeps integers as INT64.
 */
import type * as DuckDbApi from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';
import { duckdbBindings, loadDuckDb } from './duckdb-module.js';
import { InputError } from '../../core/errors.js';
import { BOOL_MISSING, INT64_MISSING } from '../../core/frame.js';
import type { Column, Frame } from '../../core/frame.js';
import type { ColumnType, TimestampZone } from '../../core/schema.js';
import { quoteIdentifier } from './sql-quote.js';

/** DuckDB's vector size: rows per data chunk. */
const CHUNK_ROWS = 2048;

/** A staged column: its name, Frame type and, for timestamps, zone. */
export interface StagedColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly timezone?: TimestampZone;
}

/** The staged description of a frame's columns. */
export function stagedColumns(frame: Frame): StagedColumn[] {
  return frame.columns.map((c) => (c.type === 'timestamp' && c.timezone ? { name: c.name, type: c.type, timezone: c.timezone } : { name: c.name, type: c.type }));
}

/** The staging column's SQL type name. */
function stagingTypeName(t: ColumnType): 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' {
  if (t === 'int64') return 'BIGINT';
  if (t === 'numeric' || t === 'timestamp') return 'DOUBLE';
  if (t === 'boolean') return 'BOOLEAN';
  return 'VARCHAR';
}

function stagingType(api: typeof DuckDbApi, t: ColumnType): DuckDBType {
  return api[stagingTypeName(t)];
}

/** `CREATE TABLE` for staging a frame with these columns. */
export function createStagingTableSql(table: string, columns: readonly StagedColumn[], temporary = false): string {
  const cols = columns.map((c) => `${quoteIdentifier(c.name)} ${stagingTypeName(c.type)}`).join(', ');
  return `CREATE ${temporary ? 'TEMP ' : ''}TABLE ${table} (${cols})`;
}

/**
 * `SELECT` over a staging table that restores Frame semantics (timestamps as TIMESTAMP). For CSV,
 * integral numbers are written without a trailing `.0` (`3`, not `3.0`), so integer columns read back
 * and look as they did in the source file.
 */
export function exportSelectSql(table: string, columns: readonly StagedColumn[], forCsv = false): string {
  const cols = columns.map((c) => {
    const id = quoteIdentifier(c.name);
    if (c.type === 'timestamp') return `${c.timezone === 'UTC' ? 'make_timestamptz' : 'make_timestamp'}(CAST(round(${id} * 1000) AS BIGINT)) AS ${id}`;
    if (c.type === 'numeric' && forCsv) {
      return `CASE WHEN ${id} = trunc(${id}) AND abs(${id}) < 1e15 THEN CAST(CAST(${id} AS BIGINT) AS VARCHAR) ELSE CAST(${id} AS VARCHAR) END AS ${id}`;
    }
    return id;
  });
  return `SELECT ${cols.join(', ') || '*'} FROM ${table}`;
}

/** Append all rows of a frame to a staging table made by `createStagingTableSql`. */
export async function appendFrameToTable(conn: DuckDBConnection, table: string, frame: Frame): Promise<void> {
  const api = await loadDuckDb();
  const types = frame.columns.map((c) => stagingType(api, c.type));
  const appender = await conn.createAppender(table);
  const scratchF64 = new Float64Array(CHUNK_ROWS);
  const scratchU8 = new Uint8Array(CHUNK_ROWS);
  const validityBytes = new Uint8Array(CHUNK_ROWS / 8);
  try {
    for (let start = 0; start < frame.rowCount; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, frame.rowCount - start);
      const chunk = api.DuckDBDataChunk.create(types, n);
      frame.columns.forEach((col, j) => fillVector(chunk, j, col, start, n, scratchF64, scratchU8, validityBytes));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } catch (err) {
    throw new InputError(`could not stage the frame for writing: ${err instanceof Error ? err.message : String(err)}`, {}, undefined, { cause: err });
  } finally {
    appender.closeSync();
  }
}

function fillVector(
  chunk: DuckDBDataChunk,
  j: number,
  col: Column,
  start: number,
  n: number,
  f64: Float64Array<ArrayBuffer>,
  u8: Uint8Array<ArrayBuffer>,
  validity: Uint8Array<ArrayBuffer>,
): void {
  const duckdb = duckdbBindings();
  const vec = duckdb.data_chunk_get_vector(chunk.chunk, j);
  const validityLen = Math.ceil(n / 64) * 8;
  let missing = 0;
  switch (col.type) {
    case 'numeric':
    case 'timestamp': {
      const src = col.values;
      for (let i = 0; i < n; i++) {
        const v = src[start + i];
        if (v !== v) {
          f64[i] = 0;
          missing++;
        } else f64[i] = v;
      }
      duckdb.copy_data_to_vector(vec, 0, f64.buffer, 0, n * 8);
      if (missing > 0) {
        validity.fill(0xff);
        for (let i = 0; i < n; i++) if (src[start + i] !== src[start + i]) validity[i >> 3] &= ~(1 << (i & 7));
      }
      break;
    }
    case 'int64': {
      const src = col.values.subarray(start, start + n);
      duckdb.copy_data_to_vector(vec, 0, src.buffer as ArrayBuffer, src.byteOffset, n * 8);
      for (let i = 0; i < n; i++) if (src[i] === INT64_MISSING) missing++;
      if (missing > 0) {
        validity.fill(0xff);
        for (let i = 0; i < n; i++) if (src[i] === INT64_MISSING) validity[i >> 3] &= ~(1 << (i & 7));
      }
      break;
    }
    case 'boolean': {
      const src = col.values;
      for (let i = 0; i < n; i++) {
        const v = src[start + i];
        if (v === BOOL_MISSING) {
          u8[i] = 0;
          missing++;
        } else u8[i] = v === 0 ? 0 : 1;
      }
      duckdb.copy_data_to_vector(vec, 0, u8.buffer, 0, n);
      if (missing > 0) {
        validity.fill(0xff);
        for (let i = 0; i < n; i++) if (src[start + i] === BOOL_MISSING) validity[i >> 3] &= ~(1 << (i & 7));
      }
      break;
    }
    case 'categorical': {
      const values: (string | null)[] = new Array<string | null>(n);
      for (let i = 0; i < n; i++) {
        const c = col.codes[start + i];
        values[i] = c < 0 ? null : col.categories[c];
      }
      chunk.setColumnValues(j, values);
      return;
    }
    case 'text':
      chunk.setColumnValues(j, col.values.slice(start, start + n));
      return;
  }
  if (missing > 0) {
    duckdb.vector_ensure_validity_writable(vec);
    duckdb.copy_data_to_vector_validity(vec, 0, validity.buffer, 0, validityLen);
  }
}
