/**
 * Building Frames from plain JS values (JSON records, API payloads, tests) and back, with the same
 * type-inference policy the file readers use for string columns.
 */
import { InputError } from './errors.js';
import { BOOL_MISSING, Frame, cellValue } from './frame.js';
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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parse an ISO-8601 date/time string to epoch ms, or NaN. */
export function parseIsoTimestamp(s: string): number {
  if (!ISO_DATE.test(s)) return NaN;
  const iso = s.length === 10 ? `${s}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`;
  return Date.parse(iso);
}

/** Build a typed column from plain values; `type` forces a type, otherwise it is inferred. */
export function columnFromValues(name: string, values: readonly unknown[], type?: ColumnType, categories?: readonly string[]): Column {
  const t = type ?? inferValuesType(values);
  const n = values.length;
  switch (t) {
    case 'numeric': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = toNumber(values[i], name, i);
      return { name, type: 'numeric', values: out };
    }
    case 'timestamp': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = toTimestamp(values[i], name, i);
      return { name, type: 'timestamp', values: out };
    }
    case 'boolean': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = toBoolean(values[i], name, i);
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
      if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new InputError(`row ${i} is not an object`, { row: i });
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
  let bools = 0;
  let strs = 0;
  let dates = 0;
  let totalLen = 0;
  const distinct = new Set<string>();
  for (const v of values) {
    if (v === null || v === undefined || v === '') continue;
    if (typeof v === 'number') nums++;
    else if (typeof v === 'boolean') bools++;
    else if (typeof v === 'string') {
      strs++;
      totalLen += v.length;
      if (distinct.size <= MAX_CATEGORIES) distinct.add(v);
      if (!Number.isNaN(parseIsoTimestamp(v))) dates++;
    } else strs++;
  }
  const nonMissing = nums + bools + strs;
  if (nonMissing === 0) return 'numeric';
  if (nums === nonMissing) return 'numeric';
  if (bools === nonMissing) return 'boolean';
  if (strs === nonMissing && dates === strs) return 'timestamp';
  if (strs === nonMissing) return inferStringType(distinct.size, strs, totalLen / strs);
  return 'text';
}

function toNumber(v: unknown, column: string, row: number): number {
  if (v === null || v === undefined || v === '') return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const x = Number(v.trim());
    if (v.trim() !== '' && !Number.isNaN(x)) return x;
  }
  throw new InputError(`column "${column}" row ${row}: expected a number, got ${JSON.stringify(v)}`, { column, row }, 'Send numbers (or null for missing) in numeric columns.');
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
