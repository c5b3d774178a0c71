/**
 * `Frame`: Kiln's columnar table. Columns are typed arrays so algorithms never touch arrays of row
 * objects. Missing values: NaN (numeric, timestamp), INT64_MISSING (int64), -1 (categorical codes),
 * 255 (boolean), null (text).
 */
import { InputError } from './errors.js';
import type { ColumnType, FieldSchema, Schema, TimestampZone } from './schema.js';

/** Missing marker for boolean columns. */
export const BOOL_MISSING = 255;

/** Missing marker for int64 columns: the smallest int64 (-2^63), which readers refuse as a value. */
export const INT64_MISSING = -(2n ** 63n);

/** Largest magnitude up to which every integer is exact in a float64 (2^53). */
export const MAX_EXACT_DOUBLE_INT = 2 ** 53;

/** Numeric column: float64 values, NaN = missing. */
export interface NumericColumn {
  readonly name: string;
  readonly type: 'numeric';
  readonly values: Float64Array;
}

/** Categorical column: dictionary-encoded codes into `categories`, -1 = missing. */
export interface CategoricalColumn {
  readonly name: string;
  readonly type: 'categorical';
  readonly codes: Int32Array;
  readonly categories: readonly string[];
}

/** Boolean column: 0 = false, 1 = true, 255 = missing. */
export interface BooleanColumn {
  readonly name: string;
  readonly type: 'boolean';
  readonly values: Uint8Array;
}

/** Exact 64-bit integer column (IDs, counts): `INT64_MISSING` = missing. */
export interface Int64Column {
  readonly name: string;
  readonly type: 'int64';
  readonly values: BigInt64Array;
}

/**
 * Timestamp column: epoch milliseconds as float64, NaN = missing. Sub-millisecond parts are the
 * fraction, so microseconds are exact (`Math.round(v * 1000)` recovers them) for instants between the
 * years 1691 and 2248; readers refuse timestamps outside that range. `timezone` says whether values are
 * UTC instants or naive wall-clock times (see `TimestampZone`).
 */
export interface TimestampColumn {
  readonly name: string;
  readonly type: 'timestamp';
  readonly values: Float64Array;
  readonly timezone?: TimestampZone;
}

/** Free-text column: one string per row, null = missing. */
export interface TextColumn {
  readonly name: string;
  readonly type: 'text';
  readonly values: readonly (string | null)[];
}

/** Any Frame column. */
export type Column = NumericColumn | Int64Column | CategoricalColumn | BooleanColumn | TimestampColumn | TextColumn;

/**
 * A plain JS cell value (what a column holds at one row, for output and JSON). int64 values are
 * numbers when exact as a double (|v| <= 2^53) and decimal strings beyond, so JSON never rounds them.
 */
export type CellValue = number | string | boolean | null;

/** Number of rows in a column. */
export function columnLength(col: Column): number {
  return col.type === 'categorical' ? col.codes.length : col.values.length;
}

/** Whether row `i` of a column is missing. */
export function isMissing(col: Column, i: number): boolean {
  switch (col.type) {
    case 'numeric':
    case 'timestamp':
      return Number.isNaN(col.values[i]);
    case 'int64':
      return col.values[i] === INT64_MISSING;
    case 'categorical':
      return col.codes[i] < 0;
    case 'boolean':
      return col.values[i] === BOOL_MISSING;
    case 'text':
      return col.values[i] === null;
  }
}

/** The value of row `i` as a plain JS value (timestamps as ISO strings, int64 past 2^53 as strings). */
export function cellValue(col: Column, i: number): CellValue {
  switch (col.type) {
    case 'numeric': {
      const v = col.values[i];
      return Number.isNaN(v) ? null : v;
    }
    case 'int64':
      return int64Cell(col.values[i]);
    case 'timestamp': {
      const v = col.values[i];
      return Number.isNaN(v) ? null : isoTimestamp(v);
    }
    case 'categorical': {
      const c = col.codes[i];
      return c < 0 ? null : col.categories[c];
    }
    case 'boolean': {
      const v = col.values[i];
      return v === BOOL_MISSING ? null : v === 1;
    }
    case 'text':
      return col.values[i];
  }
}

const EXACT_BIG = 2n ** 53n;

/** An int64 value as a CellValue: a number when exact as a double, else a decimal string; null when missing. */
export function int64Cell(v: bigint): CellValue {
  if (v === INT64_MISSING) return null;
  return v >= -EXACT_BIG && v <= EXACT_BIG ? Number(v) : v.toString();
}

/** ISO-8601 (UTC `Z`) for epoch ms with microsecond digits when the value has them (`...:00.123456Z`). */
export function isoTimestamp(ms: number): string {
  const us = Math.round(ms * 1000);
  const wholeMs = Math.floor(us / 1000);
  const iso = new Date(wholeMs).toISOString();
  const extra = us - wholeMs * 1000;
  return extra === 0 ? iso : `${iso.slice(0, -1)}${String(extra).padStart(3, '0')}Z`;
}

/** A numeric-like column's values as float64 (int64 converted, possibly inexact past 2^53; NaN = missing). */
export function float64Values(col: NumericColumn | TimestampColumn | Int64Column): Float64Array {
  if (col.type !== 'int64') return col.values;
  const src = col.values;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    out[i] = v === INT64_MISSING ? NaN : Number(v);
  }
  return out;
}

/** Select rows of a column by index (a new column; indices may repeat). */
export function takeColumn(col: Column, indices: ArrayLike<number>): Column {
  const n = indices.length;
  switch (col.type) {
    case 'numeric':
    case 'timestamp': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = col.values[indices[i]];
      return { ...col, values: out };
    }
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = col.values[indices[i]];
      return { ...col, values: out };
    }
    case 'categorical': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = col.codes[indices[i]];
      return { ...col, codes: out };
    }
    case 'boolean': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = col.values[indices[i]];
      return { ...col, values: out };
    }
    case 'text': {
      const out: (string | null)[] = new Array<string | null>(n);
      for (let i = 0; i < n; i++) out[i] = col.values[indices[i]];
      return { ...col, values: out };
    }
  }
}

/** Slice rows [start, end) of a column (typed-array views, no copy). */
export function sliceColumn(col: Column, start: number, end: number): Column {
  switch (col.type) {
    case 'numeric':
    case 'timestamp':
      return { ...col, values: col.values.subarray(start, end) };
    case 'int64':
      return { ...col, values: col.values.subarray(start, end) };
    case 'categorical':
      return { ...col, codes: col.codes.subarray(start, end) };
    case 'boolean':
      return { ...col, values: col.values.subarray(start, end) };
    case 'text':
      return { ...col, values: col.values.slice(start, end) };
  }
}

/** A columnar table: named, typed columns of equal length. Immutable by convention. */
export class Frame {
  readonly columns: readonly Column[];
  readonly rowCount: number;
  private readonly byName: Map<string, Column>;

  constructor(columns: readonly Column[], rowCount?: number) {
    this.columns = columns;
    this.rowCount = rowCount ?? (columns.length > 0 ? columnLength(columns[0]) : 0);
    this.byName = new Map();
    for (const col of columns) {
      if (this.byName.has(col.name)) {
        throw new InputError(`duplicate column name "${col.name}"`, { column: col.name }, 'Rename one of the columns so every name is unique.');
      }
      if (columnLength(col) !== this.rowCount) {
        throw new InputError(`column "${col.name}" has ${columnLength(col)} rows, expected ${this.rowCount}`, { column: col.name });
      }
      this.byName.set(col.name, col);
    }
  }

  /** Column names in order. */
  get names(): string[] {
    return this.columns.map((c) => c.name);
  }

  /** Whether a column exists. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A column by name, or an InputError naming the missing column. */
  column(name: string): Column {
    const col = this.byName.get(name);
    if (!col) throw new InputError(`column "${name}" not found`, { column: name }, `Available columns: ${this.names.join(', ')}`);
    return col;
  }

  /** A column by name, or undefined. */
  tryColumn(name: string): Column | undefined {
    return this.byName.get(name);
  }

  /** A new Frame with only these columns, in this order. */
  select(names: readonly string[]): Frame {
    return new Frame(names.map((n) => this.column(n)), this.rowCount);
  }

  /** A new Frame without these columns. */
  drop(names: readonly string[]): Frame {
    const set = new Set(names);
    return new Frame(this.columns.filter((c) => !set.has(c.name)), this.rowCount);
  }

  /** A new Frame with a column added or replaced. */
  withColumn(col: Column): Frame {
    const cols = this.columns.filter((c) => c.name !== col.name);
    const idx = this.columns.findIndex((c) => c.name === col.name);
    if (idx >= 0) cols.splice(idx, 0, col);
    else cols.push(col);
    return new Frame(cols, this.rowCount);
  }

  /** Rows by index (copies). */
  take(indices: ArrayLike<number>): Frame {
    return new Frame(this.columns.map((c) => takeColumn(c, indices)), indices.length);
  }

  /** Rows [start, end) (views where possible). */
  slice(start: number, end: number): Frame {
    const s = Math.max(0, Math.min(start, this.rowCount));
    const e = Math.max(s, Math.min(end, this.rowCount));
    return new Frame(this.columns.map((c) => sliceColumn(c, s, e)), e - s);
  }

  /** The schema of this frame (nullability from the data). */
  schema(): Schema {
    return { fields: this.columns.map((c) => fieldOf(c, this.rowCount)) };
  }

  /** Row `i` as a plain object (for output and small samples only; never on a hot path). */
  row(i: number): Record<string, CellValue> {
    const out: Record<string, CellValue> = {};
    for (const c of this.columns) out[c.name] = cellValue(c, i);
    return out;
  }

  /** Concatenate frames with the same column names and types (categorical dictionaries are merged). */
  static concat(frames: readonly Frame[]): Frame {
    if (frames.length === 0) return new Frame([], 0);
    if (frames.length === 1) return frames[0];
    const first = frames[0];
    const total = frames.reduce((s, f) => s + f.rowCount, 0);
    const cols: Column[] = first.columns.map((c0) => {
      const parts = frames.map((f) => {
        const c = f.column(c0.name);
        if (c.type !== c0.type || (c.type === 'timestamp' && c0.type === 'timestamp' && c.timezone !== c0.timezone)) {
          throw new InputError(`column "${c0.name}" is ${c0.type} in one chunk and ${c.type} in another`, { column: c0.name });
        }
        return c;
      });
      return concatColumns(parts, total);
    });
    return new Frame(cols, total);
  }
}

function fieldOf(col: Column, n: number): FieldSchema {
  let nullable = false;
  for (let i = 0; i < n; i++) {
    if (isMissing(col, i)) {
      nullable = true;
      break;
    }
  }
  if (col.type === 'categorical') return { name: col.name, type: col.type, nullable, categories: col.categories };
  if (col.type === 'timestamp' && col.timezone) return { name: col.name, type: col.type, nullable, timezone: col.timezone };
  return { name: col.name, type: col.type, nullable };
}

function concatColumns(parts: Column[], total: number): Column {
  const c0 = parts[0];
  switch (c0.type) {
    case 'numeric':
    case 'timestamp': {
      const out = new Float64Array(total);
      let o = 0;
      for (const p of parts as (NumericColumn | TimestampColumn)[]) {
        out.set(p.values, o);
        o += p.values.length;
      }
      return { ...c0, values: out };
    }
    case 'int64': {
      const out = new BigInt64Array(total);
      let o = 0;
      for (const p of parts as Int64Column[]) {
        out.set(p.values, o);
        o += p.values.length;
      }
      return { ...c0, values: out };
    }
    case 'boolean': {
      const out = new Uint8Array(total);
      let o = 0;
      for (const p of parts as BooleanColumn[]) {
        out.set(p.values, o);
        o += p.values.length;
      }
      return { ...c0, values: out };
    }
    case 'text': {
      const out: (string | null)[] = [];
      for (const p of parts as TextColumn[]) for (const v of p.values) out.push(v);
      return { ...c0, values: out };
    }
    case 'categorical': {
      const dict = new Map<string, number>();
      const categories: string[] = [];
      const out = new Int32Array(total);
      let o = 0;
      for (const p of parts as CategoricalColumn[]) {
        const remap = new Int32Array(p.categories.length);
        p.categories.forEach((cat, k) => {
          let code = dict.get(cat);
          if (code === undefined) {
            code = categories.length;
            categories.push(cat);
            dict.set(cat, code);
          }
          remap[k] = code;
        });
        for (let i = 0; i < p.codes.length; i++) {
          const c = p.codes[i];
          out[o++] = c < 0 ? -1 : remap[c];
        }
      }
      return { name: c0.name, type: 'categorical', codes: out, categories };
    }
  }
}

/** Type guard helpers for callers that switch on column type. */
export function isNumericLike(col: Column): col is NumericColumn | TimestampColumn {
  return col.type === 'numeric' || col.type === 'timestamp';
}

/** Whether a column holds numbers (float64 or exact int64). */
export function isNumberColumn(col: Column): col is NumericColumn | Int64Column {
  return col.type === 'numeric' || col.type === 'int64';
}

/**
 * The frame with int64 columns as numeric float64 (values past 2^53 rounded): for consumers where
 * exactness does not matter (model training and scoring). Other columns are shared, not copied.
 */
export function int64AsNumeric(frame: Frame): Frame {
  if (!frame.columns.some((c) => c.type === 'int64')) return frame;
  return new Frame(
    frame.columns.map((c): Column => (c.type === 'int64' ? { name: c.name, type: 'numeric', values: float64Values(c) } : c)),
    frame.rowCount,
  );
}

/** The ColumnType of a column. */
export function columnType(col: Column): ColumnType {
  return col.type;
}
