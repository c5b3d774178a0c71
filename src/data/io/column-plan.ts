/**
 * Decides each column's Frame type and the SQL that turns the file's value into what the chunk decoder
 * copies: DOUBLE with NaN or NULL for missing (numeric; timestamp as epoch ms with the microseconds as
 * fraction), BIGINT with NULL for missing (int64), UTINYINT with 255 for missing (boolean), VARCHAR with
 * NULL for missing (categorical, text).
 *
 * Policy: DuckDB numeric types -> numeric (integer types -> int64 with `integers: 'int64'`); BOOLEAN ->
 * boolean; DATE/TIMESTAMP -> naive timestamp, TIMESTAMP WITH TIME ZONE -> UTC timestamp; VARCHAR ->
 * numeric / boolean (only literal true/false) / timestamp when every non-missing value parses, else
 * categorical or text by `inferStringType`. Timestamp strings with an offset are UTC instants, without
 * one naive; a column mixing both is an InputError. CSV strings are trimmed (option `trim`) and
 * whitespace-only or `nullValues` strings are missing, so telco's `TotalCharges` (" " blanks) is numeric
 * and Yes/No columns stay categorical. Anything else (TIME, INTERVAL, UUID, nested JSON) -> text.
 *
 * Nothing is converted silently: a forced type the data does not fit (`boolean` on 5, `int64` on 1.5),
 * an integer from 2^53 on read as float64 (checked by the decoder, `exactIntegers`), or a timestamp outside 1691-2248 (where float64 ms lose the
 * microsecond) fails with the column, the 1-based data row and the value.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../core/errors.js';
import { inferStringType } from '../../core/frame-builder.js';
import type { ColumnType, TimestampZone } from '../../core/schema.js';
import type { DescribedSource, SourceColumn } from './describe-source.js';
import { translateDuckDbError } from './duckdb-error.js';
import { DEFAULT_NULL_VALUES } from './read-options.js';
import type { ReadOptions } from './read-options.js';
import { quoteIdentifier, quoteLiteral } from './sql-quote.js';
import type { StringCleaning } from './string-cleaning.js';

/** How the decoder reads a planned column's vector. */
export type DecodeKind = 'double' | 'int64' | 'uint8' | 'varchar';

/** A check that a projection enforces row by row, and that `diagnoseCastFailure` uses to find the first bad row. */
export interface StrictCheck {
  /** SQL for the value being checked (a cleaned string or the source column). */
  readonly valueExpr: string;
  /** SQL condition over the value SQL `v` (never NULL there) that is true when the value does not fit. */
  readonly invalidWhen: (v: string) => string;
  /** What the value should have been, for the message ("a boolean (true/false, 0/1)"). */
  readonly expected: string;
}

/** One column of the output Frame and how to compute it. */
export interface ColumnPlan {
  readonly name: string;
  readonly type: ColumnType;
  readonly decode: DecodeKind;
  /** SQL projection (without alias). */
  readonly expr: string;
  /** For timestamp columns: `UTC` for instants, absent for naive values. */
  readonly timezone?: TimestampZone;
  /** For 64-bit integer sources read as float64: the decoder refuses magnitudes from 2^53 on (they may be rounded). */
  readonly exactIntegers?: boolean;
  /** For typed timestamp sources: the decoder refuses instants outside 1691-2248 (|ms| >= 2^43). */
  readonly timestampRange?: boolean;
  /** When `expr` fails on values that do not fit: how to find and describe the first one. */
  readonly strict?: StrictCheck;
  /**
   * For `varchar` columns read raw from a CSV: the cleaning the decoder applies in JS (once per distinct
   * value for categoricals), instead of a per-row SQL CASE that costs more than the CSV parse itself.
   */
  readonly clean?: StringCleaning;
}

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;
/** Integer types whose values can pass 2^53 (narrower ones always fit a float64 exactly). */
const WIDE_INTEGER_TYPES = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT)$/;
const TIMESTAMP_TYPES = /^(DATE|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|TIMESTAMP WITH TIME ZONE)$/;
const NESTED_TYPES = /(\[\]|\[\d+\]|^STRUCT|^MAP|^UNION|^JSON)/;
const NAN = "'NaN'::DOUBLE";
/** A time followed by a UTC offset at the end of a timestamp string (`10:00:00+02:00`, `10:00Z`). */
export const OFFSET_PATTERN = '\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?\\s*([zZ]|[+-]\\d\\d(:?\\d\\d)?)$';
/** Epoch microseconds beyond which float64 epoch ms no longer hold the microsecond (2^43 ms, years 1691-2248). */
const MAX_TIMESTAMP_US = '8796093022208000';
const INT64_TEXT = "'\\s*[+-]?[0-9]+\\s*'";

interface StringProfile {
  nonMissing: number;
  distinct: number;
  meanLength: number;
  /** Whether every non-missing value casts to DOUBLE / is literally true or false / casts to TIMESTAMP. */
  allNumeric: boolean;
  allBoolean: boolean;
  allTimestamp: boolean;
  /** Distinct non-missing values, and how many of them end in a UTC offset (for timestamps). */
  distinctNonMissing: number;
  withOffset: number;
  offsetExample?: string;
  naiveExample?: string;
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
  const toProfile = source.columns.filter((c) => (forced[c.name] === undefined || forced[c.name] === 'timestamp') && isStringType(c.duckType));
  const profiles = await profileStrings(conn, source, opts, toProfile, sampleRows);
  const cleaning: StringCleaning = { trim: opts.trim !== false, nulls: new Set(nullStrings(opts)) };
  return source.columns.map((c) => {
    const s = stringExpr(c, source, opts);
    const profile = profiles.get(c.name);
    const type = forced[c.name] ?? inferType(c, profile, opts);
    const plan = planFor(c, type, s, source.file, profile, source.csv?.decimal === ',');
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

function inferType(c: SourceColumn, p: StringProfile | undefined, opts: ReadOptions): ColumnType {
  if (INTEGER_TYPES.test(c.duckType) && opts.integers === 'int64') return 'int64';
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

/** `CASE WHEN <value> is bad THEN error ELSE <ok> END`, with an error DuckDB reports as a conversion failure. */
function guarded(check: StrictCheck, ok: string, name: string): string {
  const cond = check.invalidWhen(`(${check.valueExpr})`);
  return `CASE WHEN (${check.valueExpr}) IS NOT NULL AND (${cond}) THEN error(${quoteLiteral(`Could not convert a value of column ${JSON.stringify(name)} to ${check.expected}`)}) ELSE ${ok} END`;
}

function planFor(c: SourceColumn, type: ColumnType, s: string, file: string, profile: StringProfile | undefined, decimalComma: boolean): ColumnPlan {
  const col = quoteIdentifier(c.name);
  const numericSource = NUMERIC_TYPES.test(c.duckType);
  const timeSource = TIMESTAMP_TYPES.test(c.duckType);
  const base = { name: c.name, type };
  const strict = (check: StrictCheck, ok: string, decode: DecodeKind, extra: { timezone?: TimestampZone } = {}): ColumnPlan => ({ ...base, ...extra, decode, expr: guarded(check, ok, c.name), strict: check });
  switch (type) {
    case 'numeric':
      if (c.duckType === 'DOUBLE') return { ...base, decode: 'double', expr: col };
      // Checked in the decoder (a per-row SQL CASE over thousands of columns costs DuckDB seconds).
      if (WIDE_INTEGER_TYPES.test(c.duckType)) return { ...base, decode: 'double', expr: `CAST(${col} AS DOUBLE)`, exactIntegers: true };
      if (numericSource || c.duckType === 'BOOLEAN') return { ...base, decode: 'double', expr: `CAST(${col} AS DOUBLE)` };
      if (timeSource) return { ...base, decode: 'double', expr: `COALESCE(${epochMs(c)}, ${NAN})` };
      {
        // Decimal commas (`decimal: ','`) become points before the cast; the sniffer handles typed columns itself.
        const num = decimalComma ? `replace(${s}, ',', '.')` : s;
        return strict({ valueExpr: num, invalidWhen: (v: string) => `TRY_CAST(${v} AS DOUBLE) IS NULL`, expected: 'a number' }, `COALESCE(CAST(${num} AS DOUBLE), ${NAN})`, 'double');
      }
    case 'int64':
      if (INTEGER_TYPES.test(c.duckType)) {
        const check = { valueExpr: col, invalidWhen: (v: string) => `CAST(${v} AS HUGEINT) < -9223372036854775807 OR CAST(${v} AS HUGEINT) > 9223372036854775807`, expected: 'a 64-bit integer' };
        return strict(check, `CAST(${col} AS BIGINT)`, 'int64');
      }
      if (numericSource) {
        const check = { valueExpr: `CAST(${col} AS DOUBLE)`, invalidWhen: (v: string) => `${v} <> trunc(${v}) OR abs(${v}) >= 9.223372036854775e18`, expected: 'a 64-bit integer (the value has a fraction)' };
        return strict(check, `CAST(${col} AS BIGINT)`, 'int64');
      }
      return strict(
        { valueExpr: s, invalidWhen: (v: string) => `NOT regexp_full_match(${v}, ${INT64_TEXT}) OR TRY_CAST(${v} AS BIGINT) IS NULL OR TRY_CAST(${v} AS BIGINT) = -9223372036854775808`, expected: 'a 64-bit integer' },
        `CAST(${s} AS BIGINT)`,
        'int64',
      );
    case 'timestamp': {
      if (timeSource) {
        const timezone = c.duckType === 'TIMESTAMP WITH TIME ZONE' ? { timezone: 'UTC' as const } : {};
        // The 1691-2248 range is checked by the decoder (no per-row SQL CASE).
        return { ...base, ...timezone, decode: 'double', expr: `COALESCE(${epochMs(c)}, ${NAN})`, timestampRange: true };
      }
      if (numericSource) return { ...base, decode: 'double', expr: `COALESCE(CAST(${col} AS DOUBLE), ${NAN})` };
      const zone = timestampZone(c.name, file, profile);
      const sqlType = zone === 'UTC' ? 'TIMESTAMPTZ' : 'TIMESTAMP';
      // A string of the other kind would be misread (TIMESTAMP drops an offset silently), so it fails.
      const otherKind = (v: string): string => (zone === 'UTC' ? `NOT regexp_matches(${v}, '${OFFSET_PATTERN}')` : `regexp_matches(${v}, '${OFFSET_PATTERN}')`);
      const check = {
        valueExpr: s,
        invalidWhen: (v: string) => `TRY_CAST(${v} AS ${sqlType}) IS NULL OR ${otherKind(v)} OR abs(epoch_us(TRY_CAST(${v} AS ${sqlType}))) >= ${MAX_TIMESTAMP_US}`,
        expected: zone === 'UTC' ? 'a timestamp with a UTC offset, like the rest of the column' : 'a timestamp without a UTC offset, like the rest of the column',
      };
      return strict(check, `COALESCE(CAST(epoch_us(CAST(${s} AS ${sqlType})) AS DOUBLE) / 1000, ${NAN})`, 'double', zone === 'UTC' ? { timezone: 'UTC' } : {});
    }
    case 'boolean':
      if (c.duckType === 'BOOLEAN') return { ...base, decode: 'uint8', expr: `COALESCE(CAST(${col} AS UTINYINT), 255)` };
      if (numericSource) {
        const check = { valueExpr: col, invalidWhen: (v: string) => `${v} NOT IN (0, 1)`, expected: 'a boolean (only 0 and 1 are booleans among numbers)' };
        return strict(check, `COALESCE(CAST(CAST(${col} AS BOOLEAN) AS UTINYINT), 255)`, 'uint8');
      }
      return strict(
        { valueExpr: s, invalidWhen: (v: string) => `lower(${v}) NOT IN ('true', 'false', 't', 'f', '1', '0', 'yes', 'no', 'y', 'n')`, expected: 'a boolean (true/false, t/f, 1/0, yes/no)' },
        `COALESCE(CAST(CAST(${s} AS BOOLEAN) AS UTINYINT), 255)`,
        'uint8',
      );
    case 'categorical':
    case 'text':
      return { ...base, decode: 'varchar', expr: s };
  }
}

/** Naive or UTC for a column of timestamp strings; mixing both is an InputError (no silent guess). */
function timestampZone(name: string, file: string, p: StringProfile | undefined): TimestampZone | undefined {
  if (!p || p.withOffset === 0) return undefined;
  if (p.withOffset === p.distinctNonMissing) return 'UTC';
  throw new InputError(
    `"${file}" column "${name}" mixes timestamps with a UTC offset (${JSON.stringify(p.offsetExample)}) and without one (${JSON.stringify(p.naiveExample)})`,
    { file, column: name },
    'Give every value an offset (e.g. Z) or none; a naive time cannot be placed in time next to an instant.',
  );
}

function epochUs(c: SourceColumn): string {
  const col = quoteIdentifier(c.name);
  return c.duckType === 'DATE' ? `epoch_us(CAST(${col} AS TIMESTAMP))` : `epoch_us(${col})`;
}

function epochMs(c: SourceColumn): string {
  return `CAST(${epochUs(c)} AS DOUBLE) / 1000`;
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
  const zoned = `TRY_CAST(v AS TIMESTAMP) IS NOT NULL AND regexp_matches(v, '${OFFSET_PATTERN}')`;
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
      count(*) FILTER (WHERE v IS NOT NULL AND lower(v) NOT IN ('true', 'false')),
      count(DISTINCT v) FILTER (WHERE ${zoned}), min(v) FILTER (WHERE ${zoned}), min(v) FILTER (WHERE v IS NOT NULL AND NOT (${zoned}))`,
  );
  const pending: SourceColumn[] = [];
  cols.forEach((c, i) => {
    const row = rowsOf.get(`c${i}`);
    const v = (k: number): number => (row ? Number(row[k]) : 0);
    const unsampled = v(4);
    const p: StringProfile = {
      nonMissing: v(1),
      distinct: v(2),
      meanLength: v(3),
      allNumeric: v(5) === 0,
      allBoolean: v(7) === 0,
      allTimestamp: v(6) === 0,
      distinctNonMissing: v(2),
      withOffset: v(8),
      ...(row && row[9] !== null ? { offsetExample: String(row[9]) } : {}),
      ...(row && row[10] !== null ? { naiveExample: String(row[10]) } : {}),
    };
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
 * After a strict projection failed: find the first row whose value does not fit, as an InputError naming
 * the file, column, 1-based data row (header not counted; `rowOffset` rows before this source) and value
 * (or undefined when no planned check is to blame).
 */
export async function diagnoseCastFailure(conn: DuckDBConnection, source: DescribedSource, plans: readonly ColumnPlan[], rowOffset = 0): Promise<InputError | undefined> {
  for (const p of plans) {
    if (!p.strict) continue;
    const { valueExpr, invalidWhen, expected } = p.strict;
    const reader = await conn.runAndReadAll(
      `SELECT rn, CAST(v AS VARCHAR) FROM (SELECT row_number() OVER () AS rn, ${valueExpr} AS v FROM ${source.relation}) WHERE v IS NOT NULL AND (${invalidWhen('v')}) ORDER BY rn LIMIT 1`,
    );
    const rows = reader.getRowsJS();
    if (rows.length === 0) continue;
    const row = Number(rows[0][0]) + rowOffset;
    const value = String(rows[0][1]);
    return new InputError(
      `"${source.file}" column "${p.name}" row ${row}: ${JSON.stringify(value)} is not ${expected} (column read as ${p.type})`,
      { file: source.file, column: p.name, row, value },
      `Fix the value, or read the column as categorical/text with columnTypes: { ${JSON.stringify(p.name)}: 'categorical' }.`,
    );
  }
  return undefined;
}
