/**
 * `WorkingSet`: the named columns a pipeline reads and writes while it runs. Inputs enter as Frame
 * columns; each step replaces or adds columns (numeric outputs are `NumericColumn`s), and the final
 * `features` step copies the chosen ones into a FeatureMatrix. Keeping intermediate results as ordinary
 * Frame columns lets fit-time and inference share every kernel.
 */
import { InputError } from '../../core/errors.js';
import { BOOL_MISSING } from '../../core/frame.js';
import type { CategoricalColumn, Column, NumericColumn } from '../../core/frame.js';

/** Mutable map of named columns of one batch. */
export class WorkingSet {
  readonly rows: number;
  private readonly cols = new Map<string, Column>();

  constructor(rows: number) {
    this.rows = rows;
  }

  /** Whether a column exists. */
  has(name: string): boolean {
    return this.cols.has(name);
  }

  /** Add or replace a column. */
  set(col: Column): void {
    this.cols.set(col.name, col);
  }

  /** Add or replace a numeric column. */
  setNumeric(name: string, values: Float64Array): void {
    const col: NumericColumn = { name, type: 'numeric', values };
    this.cols.set(name, col);
  }

  /** A column by name; `where` names the step asking, for the error. */
  get(name: string, where: string): Column {
    const col = this.cols.get(name);
    if (!col) throw new InputError(`${where} needs column "${name}", which is not present`, { column: name }, 'Pass every input column listed in the model signature.');
    return col;
  }

  /** A column as float64 values: numeric and timestamp as-is, boolean as 0/1 (NaN missing). */
  numeric(name: string, where: string): Float64Array {
    const col = this.get(name, where);
    switch (col.type) {
      case 'numeric':
      case 'timestamp':
        return col.values;
      case 'boolean': {
        const out = new Float64Array(col.values.length);
        for (let i = 0; i < out.length; i++) {
          const v = col.values[i];
          out[i] = v === BOOL_MISSING ? NaN : v;
        }
        return out;
      }
      default:
        throw new InputError(`${where} needs a numeric column, but "${name}" is ${col.type}`, { column: name }, 'Encode categorical and text columns (one_hot, ordinal, tfidf, hashing) before numeric steps.');
    }
  }

  /** A column as category strings per row: categorical as-is, text turned into a dictionary. */
  categorical(name: string, where: string): CategoricalColumn {
    const col = this.get(name, where);
    if (col.type === 'categorical') return col;
    if (col.type === 'text') {
      const dict = new Map<string, number>();
      const categories: string[] = [];
      const codes = new Int32Array(col.values.length);
      for (let i = 0; i < codes.length; i++) {
        const s = col.values[i];
        if (s === null) {
          codes[i] = -1;
          continue;
        }
        let c = dict.get(s);
        if (c === undefined) {
          c = categories.length;
          categories.push(s);
          dict.set(s, c);
        }
        codes[i] = c;
      }
      return { name, type: 'categorical', codes, categories };
    }
    throw new InputError(`${where} needs a categorical column, but "${name}" is ${col.type}`, { column: name });
  }

  /** A column as strings per row (text as-is; categorical decoded), null = missing. */
  text(name: string, where: string): readonly (string | null)[] {
    const col = this.get(name, where);
    if (col.type === 'text') return col.values;
    if (col.type === 'categorical') {
      const out: (string | null)[] = new Array<string | null>(col.codes.length);
      for (let i = 0; i < out.length; i++) out[i] = col.codes[i] < 0 ? null : col.categories[col.codes[i]];
      return out;
    }
    throw new InputError(`${where} needs a text column, but "${name}" is ${col.type}`, { column: name });
  }
}
