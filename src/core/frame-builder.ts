/**
 * Building Frames from plain JS values (JSON records, API payloads, tests) and back, with the same
 * type-inference policy the file readers use for string columns.
 */
import { InputError } from './errors.js';
import { BOOL_MISSING, Frame, INT64_MISSING, cellValue } from './frame.js';
import type { CellValue, Column } from './frame.js';
import type { ColumnType, Schema } from './schema.js';

/** Max distinct values for a string column to be treated as categorical rather than free text. */
export const MAX_CATEGORIES = 1000;

/**
 * Decide whether string values are categorical or free text: few distinct values (relative to the
 * rows) and short strings make a category; identifiers and sentences are text.
 */
export function inferStringType(distinct: number, nonMissing: number, meanLength: number): 'categorical' | 'text' {
  if (nonMissing === 0) return 'categorical';
  if (meanLength > 64) return 'text';
  if (distinct > MAX_CATEGORIES) return 'text';
  if (distinct > 50 && distinct > 0.5 * nonMissing) return 'text';
  return 'categorical';
}

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parse an ISO-8601 date/time string to epoch ms, or NaN. Fractions keep microseconds (as the fraction
 * of the ms); a value with an offset (`Z`, `+02:00`) is converted to UTC, one without is naive and read
 * as if it were UTC (see `hasUtcOffset`).
 */
export function parseIsoTimestamp(s: string): number {
  const m = ISO_DATE.exec(s);
  if (!m) return NaN;
  const [, date, hm, sec, frac, zone] = m;
  const offset = zone === undefined || zone === 'Z' || zone === 'z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const whole = Date.parse(`${date}T${hm ?? '00:00'}:${sec ?? '00'}${offset}`);
  if (Number.isNaN(whole) || frac === undefined) return whole;
  // Microseconds: digits past the sixth are rounded away, like DuckDB's TIMESTAMP.
  const us = Math.round(Number(`0.${frac}`) * 1e6);
  return whole + us / 1000;
}

/** Whether an ISO-8601 timestamp string carries a UTC offset (`Z`, `+02:00`), i.e. names an instant. */
export function hasUtcOffset(s: string): boolean {
  const m = ISO_DATE.exec(s);
  return m !== null && m[5] !== undefined;
}

/**
 * Build a typed column from plain values; `type` forces a type, otherwise it is inferred. Errors name
 * 1-based row numbers (the first value is row 1), Kiln's convention everywhere.
 */
export function columnFromValues(name: string, values: readonly unknown[], type?: ColumnType, categories?: readonly string[]): Column {
  const t = type ?? inferValuesType(values);
  const n = values.length;
  switch (t) {
    case 'numeric': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = toNumber(values[i], name, i + 1);
      return { name, type: 'numeric', values: out };
    }
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = toInt64(values[i], name, i + 1);
      return { name, type: 'int64', values: out };
    }
    case 'timestamp': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = toTimestamp(values[i], name, i + 1);
      return { name, type: 'timestamp', values: out };
    }
    case 'boolean': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = toBoolean(values[i], name, i + 1);
      return { name, type: 'boolean', values: out };
    }
    case 'categorical': {
      const dict = new Map<string, number>();
      const cats: string[] = [];
      categories?.forEach((c, k) => {
        dict.set(c, k);
        cats.push(c);
      });
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined || v === '') {
          codes[i] = -1;
          continue;
        }
        const s = typeof v === 'string' ? v : String(v);
        let code = dict.get(s);
        if (code === undefined) {
          code = cats.length;
          cats.push(s);
          dict.set(s, code);
        }
        codes[i] = code;
      }
      return { name, type: 'categorical', codes, categories: cats };
    }
    case 'text': {
      const out: (string | null)[] = new Array<string | null>(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        out[i] = v === null || v === undefined ? null : typeof v === 'string' ? v : String(v);
      }
      return { name, type: 'text', values: out };
    }
  }
}

/** Build a Frame from row objects; with a schema, columns and types follow it exactly. */
export function frameFromRecords(records: readonly Record<string, unknown>[], schema?: Schema): Frame {
  if (!Array.isArray(records)) throw new InputError('expected an array of row objects');
  const names: string[] = [];
  if (schema) {
    for (const f of schema.fields) names.push(f.name);
  } else {
    const seen = new Set<string>();
    records.forEach((r, i) => {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new InputError(`row ${i + 1} is not an object`, { row: i + 1 });
      for (const k of Object.keys(r)) {
        if (!seen.has(k)) {
          seen.add(k);
          names.push(k);
        }
      }
    });
  }
  const cols = names.map((name) => {
    const vals = records.map((r) => (r as Record<string, unknown>)[name]);
    const field = schema?.fields.find((f) => f.name === name);
    return columnFromValues(name, vals, field?.type, field?.categories);
  });
  return new Frame(cols, records.length);
}

/** Frame rows as plain objects (small outputs only). */
export function frameToRecords(frame: Frame): Record<string, CellValue>[] {
  const out: Record<string, CellValue>[] = [];
  for (let i = 0; i < frame.rowCount; i++) {
    const r: Record<string, CellValue> = {};
    for (const c of frame.columns) r[c.name] = cellValue(c, i);
    out.push(r);
  }
  return out;
}

function inferValuesType(values: readonly unknown[]): ColumnType {
  let nums = 0;
  let bigints = 0;
  let bools = 0;
  let strs = 0;
  let dates = 0;
  let totalLen = 0;
  const distinct = new Set<string>();
  for (const v of values) {
    if (v === null || v === undefined || v === '') continue;
    if (typeof v === 'number') nums++;
    else if (typeof v === 'bigint') bigints++;
    else if (typeof v === 'boolean') bools++;
    else if (typeof v === 'string') {
      strs++;
      totalLen += v.length;
      if (distinct.size <= MAX_CATEGORIES) distinct.add(v);
      if (!Number.isNaN(parseIsoTimestamp(v))) dates++;
    } else strs++;
  }
  const nonMissing = nums + bigints + bools + strs;
  if (nonMissing === 0) return 'numeric';
  if (bigints > 0 && bigints + nums === nonMissing) return 'int64';
  if (nums === nonMissing) return 'numeric';
  if (bools === nonMissing) return 'boolean';
  if (strs === nonMissing && dates === strs) return 'timestamp';
  if (strs === nonMissing) return inferStringType(distinct.size, strs, totalLen / strs);
  return 'text';
}

function toNumber(v: unknown, column: string, row: number): number {
  if (v === null || v === undefined || v === '') return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const x = Number(v.trim());
    if (v.trim() !== '' && !Number.isNaN(x)) return x;
  }
  throw new InputError(`column "${column}" row ${row}: expected a number, got ${JSON.stringify(v)}`, { column, row }, 'Send numbers (or null for missing) in numeric columns.');
}

const INT64_TEXT = /^[+-]?\d+$/;

function toInt64(v: unknown, column: string, row: number): bigint {
  if (v === null || v === undefined || v === '') return INT64_MISSING;
  let out: bigint | undefined;
  if (typeof v === 'bigint') out = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) out = BigInt(v);
  else if (typeof v === 'string' && INT64_TEXT.test(v.trim())) out = BigInt(v.trim());
  if (out === undefined || out <= INT64_MISSING || out >= 2n ** 63n) {
    throw new InputError(
      `column "${column}" row ${row}: expected a 64-bit integer, got ${typeof v === 'bigint' ? v.toString() : JSON.stringify(v)}`,
      { column, row },
      'Send integers between -(2^63 - 1) and 2^63 - 1; past 2^53 send them as decimal strings so JSON does not round them.',
    );
  }
  return out;
}

function toTimestamp(v: unknown, column: string, row: number): number {
  if (v === null || v === undefined || v === '') return NaN;
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = parseIsoTimestamp(v);
    if (!Number.isNaN(t)) return t;
  }
  throw new InputError(`column "${column}" row ${row}: expected an ISO-8601 timestamp, got ${JSON.stringify(v)}`, { column, row });
}

function toBoolean(v: unknown, column: string, row: number): number {
  if (v === null || v === undefined || v === '') return BOOL_MISSING;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 1 || v === 0) return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1' || s === 'yes') return 1;
    if (s === 'false' || s === '0' || s === 'no') return 0;
  }
  throw new InputError(`column "${column}" row ${row}: expected a boolean, got ${JSON.stringify(v)}`, { column, row });
}
