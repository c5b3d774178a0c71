/**
 * Decides each column's Frame type and the SQL that turns the file's value into what the chunk decoder
 * copies: DOUBLE with NaN or NULL for missing (numeric, timestamp as epoch ms), UTINYINT with 255 for missing
 * (boolean), VARCHAR with NULL for missing (categorical, text).
 *
 * Policy: DuckDB numeric types -> numeric; BOOLEAN -> boolean; DATE/TIMESTAMP(TZ) -> timestamp;
 * VARCHAR -> numeric / boolean (only literal true/false) / timestamp when every non-missing value parses,
 * else categorical or text by `inferStringType`. CSV strings are trimmed (option `trim`) and
 * whitespace-only or `nullValues` strings are missing, so telco's `TotalCharges` (" " blanks) is numeric
 * and Yes/No columns stay categorical. Anything else (TIME, INTERVAL, UUID, nested JSON) -> text.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../core/errors.js';
import { inferStringType } from '../../core/frame-builder.js';
import type { ColumnType } from '../../core/schema.js';
import type { DescribedSource, SourceColumn } from './describe-source.js';
import { translateDuckDbError } from './duckdb-error.js';
import { DEFAULT_NULL_VALUES } from './read-options.js';
import type { ReadOptions } from './read-options.js';
import { quoteIdentifier, quoteLiteral } from './sql-quote.js';
import type { StringCleaning } from './string-cleaning.js';

/** How the decoder reads a planned column's vector. */
export type DecodeKind = 'double' | 'uint8' | 'varchar';

/** One column of the output Frame and how to compute it. */
export interface ColumnPlan {
  readonly name: string;
  readonly type: ColumnType;
  readonly decode: DecodeKind;
  /** SQL projection (without alias). */
  readonly expr: string;
  /** When `expr` casts strings strictly: the string expression and the DuckDB target type, for error diagnosis. */
  readonly strictCast?: { readonly stringExpr: string; readonly sqlType: string };
  /**
   * For `varchar` columns read raw from a CSV: the cleaning the decoder applies in JS (once per distinct
   * value for categoricals), instead of a per-row SQL CASE that costs more than the CSV parse itself.
   */
  readonly clean?: StringCleaning;
}

const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;
const TIMESTAMP_TYPES = /^(DATE|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|TIMESTAMP WITH TIME ZONE)$/;
const NESTED_TYPES = /(\[\]|\[\d+\]|^STRUCT|^MAP|^UNION|^JSON)/;
const NAN = "'NaN'::DOUBLE";

interface StringProfile {
  nonMissing: number;
  distinct: number;
  meanLength: number;
  /** Whether every non-missing value casts to DOUBLE / is literally true or false / casts to TIMESTAMP. */
  allNumeric: boolean;
  allBoolean: boolean;
  allTimestamp: boolean;
}

/** Distinct values cast-tested per column before sampling kicks in (see `profileStrings`). */
const CAST_TEST_VALUES = 50_000;

/**
 * Plan every column of a described source. String columns are profiled with one DuckDB query over the
 * first `sampleRows` rows (all rows when undefined).
 */
export async function planColumns(conn: DuckDBConnection, source: DescribedSource, opts: ReadOptions, sampleRows?: number): Promise<ColumnPlan[]> {
  const forced = opts.columnTypes ?? {};
  for (const name of Object.keys(forced)) {
    if (!source.columns.some((c) => c.name === name)) {
      throw new InputError(`columnTypes names column "${name}", which "${source.file}" does not have`, { file: source.file, column: name }, `Columns: ${source.columns.map((c) => c.name).join(', ')}`);
    }
  }
  const toProfile = source.columns.filter((c) => forced[c.name] === undefined && isStringType(c.duckType));
  const profiles = await profileStrings(conn, source, opts, toProfile, sampleRows);
  const cleaning: StringCleaning = { trim: opts.trim !== false, nulls: new Set(nullStrings(opts)) };
  return source.columns.map((c) => {
    const s = stringExpr(c, source, opts);
    const type = forced[c.name] ?? inferType(c, profiles.get(c.name));
    const plan = planFor(c, type, s);
    if (plan.decode === 'varchar' && needsCleaning(c, source)) return { ...plan, expr: `CAST(${quoteIdentifier(c.name)} AS VARCHAR)`, clean: cleaning };
    return plan;
  });
}

function needsCleaning(c: SourceColumn, source: DescribedSource): boolean {
  return source.format === 'csv' && isStringType(c.duckType) && !NESTED_TYPES.test(c.duckType);
}

function nullStrings(opts: ReadOptions): string[] {
  return (opts.nullValues ?? DEFAULT_NULL_VALUES).filter((v) => v.trim() !== '');
}

function isStringType(duckType: string): boolean {
  return duckType === 'VARCHAR' || duckType.startsWith('ENUM');
}

/** The column as cleaned text: CSV fields trimmed, whitespace-only and null strings made NULL. */
function stringExpr(c: SourceColumn, source: DescribedSource, opts: ReadOptions): string {
  const col = quoteIdentifier(c.name);
  if (NESTED_TYPES.test(c.duckType)) return `CAST(to_json(${col}) AS VARCHAR)`;
  const asText = `CAST(${col} AS VARCHAR)`;
  if (!needsCleaning(c, source)) return asText;
  return cleanedText(asText, opts);
}

/** SQL for the cleaned form of a VARCHAR expression (the same rule as `StringCleaning`). */
function cleanedText(asText: string, opts: ReadOptions): string {
  const value = opts.trim === false ? asText : `trim(${asText})`;
  const nulls = nullStrings(opts);
  const isNull = [`trim(${asText}) = ''`, ...(nulls.length > 0 ? [`trim(${asText}) IN (${nulls.map(quoteLiteral).join(', ')})`] : [])].join(' OR ');
  return `CASE WHEN ${isNull} THEN NULL ELSE ${value} END`;
}

function inferType(c: SourceColumn, p: StringProfile | undefined): ColumnType {
  if (NUMERIC_TYPES.test(c.duckType)) return 'numeric';
  if (c.duckType === 'BOOLEAN') return 'boolean';
  if (TIMESTAMP_TYPES.test(c.duckType)) return 'timestamp';
  if (!p) return 'text';
  if (p.nonMissing === 0) return inferStringType(0, 0, 0);
  if (p.allNumeric) return 'numeric';
  if (p.allBoolean) return 'boolean';
  if (p.allTimestamp) return 'timestamp';
  return inferStringType(p.distinct, p.nonMissing, p.meanLength);
}

function planFor(c: SourceColumn, type: ColumnType, s: string): ColumnPlan {
  const col = quoteIdentifier(c.name);
  const numericSource = NUMERIC_TYPES.test(c.duckType) || c.duckType === 'BOOLEAN';
  const timeSource = TIMESTAMP_TYPES.test(c.duckType);
  const base = { name: c.name, type };
  switch (type) {
    case 'numeric':
      if (c.duckType === 'DOUBLE') return { ...base, decode: 'double', expr: col };
      if (numericSource) return { ...base, decode: 'double', expr: `CAST(${col} AS DOUBLE)` };
      if (timeSource) return { ...base, decode: 'double', expr: `COALESCE(CAST(${epochMs(c)} AS DOUBLE), ${NAN})` };
      return { ...base, decode: 'double', expr: `COALESCE(CAST(${s} AS DOUBLE), ${NAN})`, strictCast: { stringExpr: s, sqlType: 'DOUBLE' } };
    case 'timestamp':
      if (timeSource) return { ...base, decode: 'double', expr: `COALESCE(CAST(${epochMs(c)} AS DOUBLE), ${NAN})` };
      if (numericSource) return { ...base, decode: 'double', expr: `COALESCE(CAST(${col} AS DOUBLE), ${NAN})` };
      return { ...base, decode: 'double', expr: `COALESCE(CAST(epoch_ms(CAST(${s} AS TIMESTAMP)) AS DOUBLE), ${NAN})`, strictCast: { stringExpr: s, sqlType: 'TIMESTAMP' } };
    case 'boolean':
      if (numericSource) return { ...base, decode: 'uint8', expr: `COALESCE(CAST(CAST(${col} AS BOOLEAN) AS UTINYINT), 255)` };
      return { ...base, decode: 'uint8', expr: `COALESCE(CAST(CAST(${s} AS BOOLEAN) AS UTINYINT), 255)`, strictCast: { stringExpr: s, sqlType: 'BOOLEAN' } };
    case 'categorical':
    case 'text':
      return { ...base, decode: 'varchar', expr: s };
  }
}

function epochMs(c: SourceColumn): string {
  const col = quoteIdentifier(c.name);
  return c.duckType === 'DATE' ? `epoch_ms(CAST(${col} AS TIMESTAMP))` : `epoch_ms(${col})`;
}

/**
 * Profile string columns with the costly work done once per distinct value, not per row: unpivot the
 * sampled columns, count each (column, raw value), clean and test only those.
 *
 * Cast tests (about 1 us per value for TIMESTAMP) are what remains costly on large, high-cardinality
 * columns, and they only matter when every value passes. So above ~50k rows they first run on a sample
 * of the distinct values (every value seen at least `m` times, plus a hash-chosen 1/m of the rest): one
 * failure settles a column, and only a column whose sample all passes, with values left out, is tested
 * in full by a second query over just those columns. The result is exact either way.
 */
async function profileStrings(
  conn: DuckDBConnection,
  source: DescribedSource,
  opts: ReadOptions,
  cols: readonly SourceColumn[],
  sampleRows: number | undefined,
): Promise<Map<string, StringProfile>> {
  const out = new Map<string, StringProfile>();
  if (cols.length === 0) return out;
  const rows = sampleRows ?? source.estimatedRows ?? 0;
  const m = Math.max(1, Math.ceil(rows / CAST_TEST_VALUES));
  const sampled = m === 1 ? 'true' : `(k >= ${m} OR hash(v) % ${m} = 0)`;
  const failures = (cast: string): string => `count(*) FILTER (WHERE v IS NOT NULL AND ${sampled} AND ${cast} IS NULL)`;
  const rowsOf = await profileQuery(
    conn,
    source,
    opts,
    cols,
    sampleRows,
    `sum(k) FILTER (WHERE v IS NOT NULL), count(DISTINCT v), sum(k * length(v)) / sum(k) FILTER (WHERE v IS NOT NULL),
      count(*) FILTER (WHERE v IS NOT NULL AND NOT ${sampled}),
      ${failures('TRY_CAST(v AS DOUBLE)')}, ${failures('TRY_CAST(v AS TIMESTAMP)')},
      count(*) FILTER (WHERE v IS NOT NULL AND lower(v) NOT IN ('true', 'false'))`,
  );
  const pending: SourceColumn[] = [];
  cols.forEach((c, i) => {
    const row = rowsOf.get(`c${i}`);
    const v = (k: number): number => (row ? Number(row[k]) : 0);
    const unsampled = v(4);
    const p: StringProfile = { nonMissing: v(1), distinct: v(2), meanLength: v(3), allNumeric: v(5) === 0, allBoolean: v(7) === 0, allTimestamp: v(6) === 0 };
    out.set(c.name, p);
    if (unsampled > 0 && p.nonMissing > 0 && (p.allNumeric || p.allTimestamp)) pending.push(c);
  });
  if (pending.length === 0) return out;
  // Row by row: these columns' values mostly cast, which is cheap; regrouping them would not be.
  // Only the casts the sample left open (a failed cast costs ~1 us a row).
  const fullFailures = (i: number, open: boolean, type: string): string => (open ? `count(*) FILTER (WHERE s${i} IS NOT NULL AND TRY_CAST(s${i} AS ${type}) IS NULL)` : '1');
  const tests = pending.flatMap((c, i) => {
    const p = out.get(c.name);
    return [fullFailures(i, p?.allNumeric === true, 'DOUBLE'), fullFailures(i, p?.allTimestamp === true, 'TIMESTAMP')];
  });
  const strings = pending.map((c, i) => `${stringExpr(c, source, opts)} AS s${i}`).join(', ');
  const limit = sampleRows === undefined ? '' : ` LIMIT ${sampleRows}`;
  const reader = await conn.runAndReadAll(`SELECT ${tests.join(', ')} FROM (SELECT ${strings} FROM ${source.relation}${limit})`).catch((err: unknown) => {
    throw translateDuckDbError(err, source.file);
  });
  const row = reader.getRowsJS()[0];
  pending.forEach((c, i) => {
    const p = out.get(c.name);
    if (!p) return;
    p.allNumeric &&= Number(row[2 * i]) === 0;
    p.allTimestamp &&= Number(row[2 * i + 1]) === 0;
  });
  return out;
}

/**
 * Run `aggregates` over the (cname, cleaned value v, count k) groups of the given string columns
 * (named c0, c1, ... by position); rows by column alias. A column without non-missing values has no row.
 */
async function profileQuery(
  conn: DuckDBConnection,
  source: DescribedSource,
  opts: ReadOptions,
  cols: readonly SourceColumn[],
  sampleRows: number | undefined,
  aggregates: string,
): Promise<Map<string, readonly unknown[]>> {
  const select = cols.map((c, i) => `CAST(${quoteIdentifier(c.name)} AS VARCHAR) AS c${i}`).join(', ');
  const limit = sampleRows === undefined ? '' : ` LIMIT ${sampleRows}`;
  // Every profiled column of a CSV is cleaned; other formats pass strings through as they are.
  const clean = source.format === 'csv' ? cleanedText('rv', opts) : 'rv';
  const sql = `WITH s AS (SELECT ${select} FROM ${source.relation}${limit}),
    l AS (UNPIVOT s ON ${cols.map((_, i) => `c${i}`).join(', ')} INTO NAME cname VALUE rv),
    g AS (SELECT cname, rv, count(*) AS k FROM l GROUP BY cname, rv)
    SELECT cname, ${aggregates} FROM (SELECT cname, ${clean} AS v, k FROM g) GROUP BY cname`;
  // Profiling may be the first pass over the whole file, so it can meet a bad row first.
  const reader = await conn.runAndReadAll(sql).catch((err: unknown) => {
    throw translateDuckDbError(err, source.file);
  });
  const found = new Map<string, readonly unknown[]>();
  for (const row of reader.getRowsJS()) found.set(String(row[0]), row);
  return found;
}

/**
 * After a strict cast failed: find the first row whose value does not fit, as an InputError naming the
 * file, column, row and value (or undefined when no planned cast is to blame).
 */
export async function diagnoseCastFailure(conn: DuckDBConnection, source: DescribedSource, plans: readonly ColumnPlan[], rowOffset = 0): Promise<InputError | undefined> {
  for (const p of plans) {
    if (!p.strictCast) continue;
    const { stringExpr: s, sqlType } = p.strictCast;
    const reader = await conn.runAndReadAll(
      `SELECT rn - 1, v FROM (SELECT row_number() OVER () AS rn, ${s} AS v FROM ${source.relation}) WHERE v IS NOT NULL AND TRY_CAST(v AS ${sqlType}) IS NULL ORDER BY rn LIMIT 1`,
    );
    const rows = reader.getRowsJS();
    if (rows.length === 0) continue;
    const row = Number(rows[0][0]) + rowOffset;
    const value = String(rows[0][1]);
    const what = p.type === 'numeric' ? 'a number' : p.type === 'boolean' ? 'a boolean' : 'a date/timestamp';
    return new InputError(
      `"${source.file}" column "${p.name}" row ${row}: ${JSON.stringify(value)} is not ${what} (column read as ${p.type})`,
      { file: source.file, column: p.name, row, value },
      `Fix the value, or read the column as categorical/text with columnTypes: { ${JSON.stringify(p.name)}: 'categorical' }.`,
    );
  }
  return undefined;
}
