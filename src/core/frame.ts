/**
 * `Frame`: Kiln's columnar table. Columns are typed arrays so algorithms never touch arrays of row
 * objects. Missing values: NaN (numeric, timestamp), -1 (categorical codes), 255 (boolean), null (text).
 */
import { InputError } from './errors.js';
import type { ColumnType, FieldSchema, Schema } from './schema.js';

/** Missing marker for boolean columns. */
export const BOOL_MISSING = 255;

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

/** Timestamp column: epoch milliseconds as float64, NaN = missing. */
export interface TimestampColumn {
  readonly name: string;
  readonly type: 'timestamp';
  readonly values: Float64Array;
}

/** Free-text column: one string per row, null = missing. */
export interface TextColumn {
  readonly name: string;
  readonly type: 'text';
  readonly values: readonly (string | null)[];
}

/** Any Frame column. */
export type Column = NumericColumn | CategoricalColumn | BooleanColumn | TimestampColumn | TextColumn;

/** A plain JS cell value (what a column holds at one row, for output and JSON). */
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
    case 'categorical':
      return col.codes[i] < 0;
    case 'boolean':
      return col.values[i] === BOOL_MISSING;
    case 'text':
      return col.values[i] === null;
  }
}

/** The value of row `i` as a plain JS value (timestamps as ISO strings). */
export function cellValue(col: Column, i: number): CellValue {
  switch (col.type) {
    case 'numeric': {
      const v = col.values[i];
      return Number.isNaN(v) ? null : v;
    }
    case 'timestamp': {
      const v = col.values[i];
      return Number.isNaN(v) ? null : new Date(v).toISOString();
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
        if (c.type !== c0.type) {
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
  return col.type === 'categorical'
    ? { name: col.name, type: col.type, nullable, categories: col.categories }
    : { name: col.name, type: col.type, nullable };
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

/** The ColumnType of a column. */
export function columnType(col: Column): ColumnType {
  return col.type;
}
