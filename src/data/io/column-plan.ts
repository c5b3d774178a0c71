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
import { DEFAULT_NULL_VALUES } from './read-options.js';
import type { ReadOptions } from './read-options.js';
import { quoteIdentifier, quoteLiteral } from './sql-quote.js';

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
}

const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;
const TIMESTAMP_TYPES = /^(DATE|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|TIMESTAMP WITH TIME ZONE)$/;
const NESTED_TYPES = /(\[\]|\[\d+\]|^STRUCT|^MAP|^UNION|^JSON)/;
const NAN = "'NaN'::DOUBLE";

interface StringProfile {
  nonMissing: number;
  distinct: number;
  meanLength: number;
  numeric: number;
  booleans: number;
  timestamps: number;
}

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
  return source.columns.map((c) => {
    const s = stringExpr(c, source, opts);
    const type = forced[c.name] ?? inferType(c, profiles.get(c.name));
    return planFor(c, type, s);
  });
}

function isStringType(duckType: string): boolean {
  return duckType === 'VARCHAR' || duckType.startsWith('ENUM');
}

/** The column as cleaned text: CSV fields trimmed, whitespace-only and null strings made NULL. */
function stringExpr(c: SourceColumn, source: DescribedSource, opts: ReadOptions): string {
  const col = quoteIdentifier(c.name);
  if (NESTED_TYPES.test(c.duckType)) return `CAST(to_json(${col}) AS VARCHAR)`;
  const asText = `CAST(${col} AS VARCHAR)`;
  if (source.format !== 'csv' || !isStringType(c.duckType)) return asText;
  const value = opts.trim === false ? asText : `trim(${asText})`;
  const nulls = (opts.nullValues ?? DEFAULT_NULL_VALUES).filter((v) => v.trim() !== '');
  const isNull = [`trim(${asText}) = ''`, ...(nulls.length > 0 ? [`trim(${asText}) IN (${nulls.map(quoteLiteral).join(', ')})`] : [])].join(' OR ');
  return `CASE WHEN ${isNull} THEN NULL ELSE ${value} END`;
}

function inferType(c: SourceColumn, p: StringProfile | undefined): ColumnType {
  if (NUMERIC_TYPES.test(c.duckType)) return 'numeric';
  if (c.duckType === 'BOOLEAN') return 'boolean';
  if (TIMESTAMP_TYPES.test(c.duckType)) return 'timestamp';
  if (!p) return 'text';
  if (p.nonMissing === 0) return inferStringType(0, 0, 0);
  if (p.numeric === p.nonMissing) return 'numeric';
  if (p.booleans === p.nonMissing) return 'boolean';
  if (p.timestamps === p.nonMissing) return 'timestamp';
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

async function profileStrings(
  conn: DuckDBConnection,
  source: DescribedSource,
  opts: ReadOptions,
  cols: readonly SourceColumn[],
  sampleRows: number | undefined,
): Promise<Map<string, StringProfile>> {
  const out = new Map<string, StringProfile>();
  if (cols.length === 0) return out;
  const parts: string[] = [];
  cols.forEach((c, i) => {
    const s = stringExpr(c, source, opts);
    parts.push(
      `count(${s}) AS n${i}`,
      `count(DISTINCT ${s}) AS d${i}`,
      `coalesce(avg(length(${s})), 0) AS l${i}`,
      `count(TRY_CAST(${s} AS DOUBLE)) AS x${i}`,
      `count(CASE WHEN lower(${s}) IN ('true', 'false') THEN 1 END) AS b${i}`,
      `count(TRY_CAST(${s} AS TIMESTAMP)) AS t${i}`,
    );
  });
  const from = sampleRows === undefined ? source.relation : `(SELECT * FROM ${source.relation} LIMIT ${sampleRows})`;
  const reader = await conn.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${from}`);
  const row = reader.getRowsJS()[0];
  cols.forEach((c, i) => {
    const v = (k: number): number => Number(row[i * 6 + k]);
    out.set(c.name, { nonMissing: v(0), distinct: v(1), meanLength: v(2), numeric: v(3), booleans: v(4), timestamps: v(5) });
  });
  return out;
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
