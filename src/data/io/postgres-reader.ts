/**
 * Reads the result of a PostgreSQL query as Frames, in bounded memory: the query runs as a server-side
 * cursor (`DECLARE ... CURSOR` inside a read-only transaction, then `FETCH n`), because DuckDB's postgres
 * extension cannot be installed here. Values arrive as text and are parsed straight into typed arrays.
 *
 * Types, from the result's column OIDs: integer/float/numeric -> numeric; boolean -> boolean;
 * date/timestamp/timestamptz -> timestamp (epoch ms, the session runs in UTC); text/varchar/char/name
 * -> categorical or text by `inferStringType` over the first chunk; anything else (json, uuid, arrays,
 * intervals) -> text. Types are fixed by the first chunk; categorical codes are stable across chunks.
 */
import type pg from 'pg';
import { InputError, KilnError, UsageError } from '../../core/errors.js';
import { BOOL_MISSING, Frame, INT64_MISSING, MAX_EXACT_DOUBLE_INT } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import { inferStringType } from '../../core/frame-builder.js';
import type { ColumnType } from '../../core/schema.js';
import { DEFAULT_CHUNK_ROWS, DEFAULT_MEMORY_BUDGET_BYTES } from './read-options.js';

/** Options for PostgreSQL reads. */
export interface PostgresReadOptions {
  /** Rows per FETCH and per yielded Frame (default 65536). */
  chunkRows?: number;
  /** `readPostgresFrame` refuses results larger than this (default 1 GiB). */
  memoryBudgetBytes?: number;
}

const NUMERIC_OIDS = new Set([20, 21, 23, 26, 700, 701, 1700]);
const BOOL_OID = 16;
const DATE_OID = 1082;
const TIMESTAMP_OIDS = new Set([1082, 1114, 1184]);
const STRING_OIDS = new Set([18, 19, 25, 1042, 1043]);

interface Field {
  readonly name: string;
  readonly oid: number;
}

/** Stream a query's rows as Frames of `chunkRows` rows (the last may be shorter; none for an empty result). */
export async function* readPostgresQuery(url: string, sql: string, opts: PostgresReadOptions = {}): AsyncGenerator<Frame> {
  const chunkRows = opts.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows <= 0) throw new UsageError('chunkRows must be a positive integer', { field: 'chunkRows' });
  const query = sql.trim().replace(/;\s*$/, '');
  if (query === '') throw new UsageError('the SQL query is empty', { field: 'sql' });
  const client = new (await loadPg()).Client({ connectionString: url, types: { getTypeParser: () => (v: string) => v } });
  try {
    await client.connect();
  } catch (err) {
    throw new InputError(`cannot connect to PostgreSQL at ${redact(url)}: ${(err as Error).message}`, { url: redact(url) }, 'Check the URL, that the server is running and the credentials.', { cause: err });
  }
  let began = false;
  try {
    await client.query("SET TIME ZONE 'UTC'");
    await client.query('BEGIN TRANSACTION READ ONLY');
    began = true;
    await run(client, `DECLARE kiln_cursor NO SCROLL CURSOR FOR ${query}`, sql);
    let decoders: ColumnDecoder[] | undefined;
    while (true) {
      const res = await run(client, `FETCH FORWARD ${chunkRows} FROM kiln_cursor`, sql);
      const rows = res.rows;
      decoders ??= res.fields.map((f, j) => new ColumnDecoder({ name: f.name, oid: f.dataTypeID }, decideType({ name: f.name, oid: f.dataTypeID }, rows, j)));
      if (rows.length === 0) break;
      yield new Frame(decoders.map((d, j) => d.decode(rows, j)), rows.length);
      if (rows.length < chunkRows) break;
    }
    await client.query('CLOSE kiln_cursor');
    await client.query('COMMIT');
    began = false;
  } finally {
    if (began) await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Read a whole query result into one Frame (an InputError beyond `memoryBudgetBytes`). */
export async function readPostgresFrame(url: string, sql: string, opts: PostgresReadOptions = {}): Promise<Frame> {
  const budget = opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const chunks: Frame[] = [];
  let bytes = 0;
  let columns: readonly Column[] | undefined;
  for await (const chunk of readPostgresQuery(url, sql, opts)) {
    columns ??= chunk.columns;
    chunks.push(chunk);
    bytes += chunk.rowCount * chunk.columns.reduce((s, c) => s + (c.type === 'boolean' ? 1 : c.type === 'categorical' ? 4 : c.type === 'text' ? 48 : 8), 0);
    if (bytes > budget) {
      throw new InputError(`the result of the query is larger than the memory budget of ${Math.round(budget / 1024 / 1024)} MiB`, { budgetBytes: budget }, 'Use readPostgresQuery (chunked) or a streaming command, or raise memoryBudgetBytes.');
    }
  }
  if (chunks.length === 0) return emptyResultFrame(url, sql);
  return Frame.concat(chunks);
}

/** The driver, loaded on the first PostgreSQL read (most processes never make one). */
async function loadPg(): Promise<typeof pg> {
  return (await import('pg')).default;
}

async function emptyResultFrame(url: string, sql: string): Promise<Frame> {
  const client = new (await loadPg()).Client({ connectionString: url });
  await client.connect();
  try {
    const res = await run(client, `SELECT * FROM (${sql.trim().replace(/;\s*$/, '')}) AS kiln_q LIMIT 0`, sql);
    return new Frame(res.fields.map((f) => new ColumnDecoder({ name: f.name, oid: f.dataTypeID }, decideType({ name: f.name, oid: f.dataTypeID }, [], 0)).decode([], 0)), 0);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function run(client: pg.Client, text: string, userSql: string): Promise<pg.QueryArrayResult<unknown[]>> {
  try {
    return await client.query<unknown[]>({ text, rowMode: 'array' });
  } catch (err) {
    if (err instanceof KilnError) throw err;
    const e = err as Error & { position?: string; code?: string };
    throw new InputError(
      `PostgreSQL rejected the query: ${e.message}`,
      { sql: userSql.slice(0, 500), ...(e.code ? { sqlState: e.code } : {}) },
      'Fix the SQL; it runs read-only inside a cursor, so it must be a single SELECT (or VALUES/WITH) statement.',
      { cause: err },
    );
  }
}

function decideType(f: Field, rows: readonly unknown[][], j: number): ColumnType {
  if (NUMERIC_OIDS.has(f.oid)) return 'numeric';
  if (f.oid === BOOL_OID) return 'boolean';
  if (TIMESTAMP_OIDS.has(f.oid)) return 'timestamp';
  if (!STRING_OIDS.has(f.oid)) return 'text';
  const distinct = new Set<string>();
  let nonMissing = 0;
  let length = 0;
  for (const r of rows) {
    const v = r[j];
    if (typeof v !== 'string') continue;
    nonMissing++;
    length += v.length;
    distinct.add(v);
  }
  return inferStringType(distinct.size, nonMissing, nonMissing === 0 ? 0 : length / nonMissing);
}

/** Parses one result column's text values into a typed Frame column. */
class ColumnDecoder {
  private readonly dict = new Map<string, number>();
  private readonly categories: string[] = [];

  constructor(
    private readonly field: Field,
    private readonly type: ColumnType,
  ) {}

  decode(rows: readonly unknown[][], j: number): Column {
    const n = rows.length;
    const { name } = this.field;
    switch (this.type) {
      case 'numeric': {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const v = rows[i][j];
          out[i] = typeof v === 'string' ? Number(v) : NaN;
          // bigint/numeric values past 2^53 would be rounded: refuse rather than misread an ID.
          if (Math.abs(out[i]) > MAX_EXACT_DOUBLE_INT && /^[+-]?\d+$/.test(v as string)) {
            throw new InputError(`column "${name}" row ${i + 1}: integer ${String(v)} is beyond 2^53 and would be rounded as a float64`, { column: name, row: i + 1 }, 'Cast it to text in the query (id::text) to keep it exact.');
          }
        }
        return { name, type: 'numeric', values: out };
      }
      case 'int64': {
        const out = new BigInt64Array(n);
        for (let i = 0; i < n; i++) {
          const v = rows[i][j];
          out[i] = typeof v === 'string' && /^[+-]?\d+$/.test(v) ? BigInt(v) : INT64_MISSING;
        }
        return { name, type: 'int64', values: out };
      }
      case 'timestamp': {
        const out = new Float64Array(n);
        const isDate = this.field.oid === DATE_OID;
        for (let i = 0; i < n; i++) {
          const v = rows[i][j];
          out[i] = typeof v === 'string' ? parsePgTimestamp(v, isDate) : NaN;
        }
        return { name, type: 'timestamp', values: out };
      }
      case 'boolean': {
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const v = rows[i][j];
          out[i] = v === 't' ? 1 : v === 'f' ? 0 : BOOL_MISSING;
        }
        return { name, type: 'boolean', values: out };
      }
      case 'categorical': {
        const codes = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const v = rows[i][j];
          if (typeof v !== 'string') {
            codes[i] = -1;
            continue;
          }
          let code = this.dict.get(v);
          if (code === undefined) {
            code = this.categories.length;
            this.categories.push(v);
            this.dict.set(v, code);
          }
          codes[i] = code;
        }
        return { name, type: 'categorical', codes, categories: this.categories.slice() };
      }
      case 'text': {
        const out: (string | null)[] = new Array<string | null>(n);
        for (let i = 0; i < n; i++) {
          const v = rows[i][j];
          out[i] = typeof v === 'string' ? v : null;
        }
        return { name, type: 'text', values: out };
      }
    }
  }
}

/** PostgreSQL's text form of date/timestamp/timestamptz (session in UTC) to epoch ms; NaN for infinities. */
function parsePgTimestamp(s: string, isDate: boolean): number {
  if (isDate) return Date.parse(`${s}T00:00:00Z`);
  let iso = s.replace(' ', 'T');
  if (/[+-]\d{2}$/.test(iso)) iso += ':00';
  else if (!/[+-]\d{2}:\d{2}(:\d{2})?$/.test(iso)) iso += 'Z';
  return Date.parse(iso);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
