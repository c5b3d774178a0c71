/**
 * Per-field decoders from JSON values to Frame columns, compiled once per model signature. Each `put`
 * returns null when the value is acceptable or a short reason when not, so a request is checked in one
 * pass and every bad field can be reported. Values are typed as the signature declares; clients may send
 * numbers as numeric strings, booleans as 0/1 and timestamps as ISO strings or epoch ms, as for files.
 */
import { BOOL_MISSING } from '../core/frame.js';
import type { Column } from '../core/frame.js';
import { columnFromValues, parseIsoTimestamp } from '../core/frame-builder.js';
import type { SignatureInput } from '../runtime/bundle-types.js';

/** What to do with a category training never saw. */
export type UnseenPolicy = 'missing' | 'reject';

/** Decodes one signature input, row by row, into a column. */
export interface FieldDecoder {
  readonly name: string;
  /** Start a batch of `n` rows. */
  begin(n: number): void;
  /** Store row `i`; a reason when `v` is not acceptable. `undefined` = the field was absent. */
  put(i: number, v: unknown): string | null;
  /** The column of the batch. */
  finish(): Column;
  /** Rows of the batch whose category was never seen (scored as missing under the `missing` policy). */
  unseen: number;
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

const NULL_REFUSED = 'null is not allowed: this field was never missing in training';

function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

class NumericDecoder implements FieldDecoder {
  private values = new Float64Array(0);
  unseen = 0;
  constructor(
    readonly name: string,
    private readonly nullable: boolean,
    private readonly timestamp: boolean,
  ) {}
  begin(n: number): void {
    this.values = new Float64Array(n);
  }
  put(i: number, v: unknown): string | null {
    if (v === null) {
      this.values[i] = Number.NaN;
      return this.nullable ? null : NULL_REFUSED;
    }
    if (v === undefined) return 'missing';
    if (this.timestamp && typeof v === 'string') {
      const t = parseIsoTimestamp(v.trim());
      this.values[i] = t;
      return Number.isNaN(t) ? 'expected an ISO-8601 timestamp or epoch milliseconds' : null;
    }
    const x = numberOf(v);
    this.values[i] = x;
    if (Number.isFinite(x)) return null;
    return `expected a number, got ${kind(v)}`;
  }
  finish(): Column {
    return this.timestamp ? { name: this.name, type: 'timestamp', values: this.values } : { name: this.name, type: 'numeric', values: this.values };
  }
}

class BooleanDecoder implements FieldDecoder {
  private values = new Uint8Array(0);
  unseen = 0;
  constructor(
    readonly name: string,
    private readonly nullable: boolean,
  ) {}
  begin(n: number): void {
    this.values = new Uint8Array(n);
  }
  put(i: number, v: unknown): string | null {
    if (v === true || v === 1 || v === 'true') this.values[i] = 1;
    else if (v === false || v === 0 || v === 'false') this.values[i] = 0;
    else if (v === null) {
      this.values[i] = BOOL_MISSING;
      return this.nullable ? null : NULL_REFUSED;
    } else if (v === undefined) return 'missing';
    else return `expected a boolean, got ${kind(v)}`;
    return null;
  }
  finish(): Column {
    return { name: this.name, type: 'boolean', values: this.values };
  }
}

class CategoricalDecoder implements FieldDecoder {
  private codes = new Int32Array(0);
  private readonly index: Map<string, number>;
  unseen = 0;
  constructor(
    readonly name: string,
    private readonly nullable: boolean,
    private readonly categories: readonly string[],
    private readonly policy: UnseenPolicy,
  ) {
    this.index = new Map(categories.map((c, k) => [c, k]));
  }
  begin(n: number): void {
    this.codes = new Int32Array(n);
    this.unseen = 0;
  }
  put(i: number, v: unknown): string | null {
    if (v === null || v === '') {
      this.codes[i] = -1;
      return this.nullable ? null : NULL_REFUSED;
    }
    if (v === undefined) return 'missing';
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return `expected a category (string), got ${kind(v)}`;
    const code = this.index.get(typeof v === 'string' ? v : String(v));
    if (code !== undefined) {
      this.codes[i] = code;
      return null;
    }
    this.codes[i] = -1;
    this.unseen++;
    return this.policy === 'reject' ? `category ${JSON.stringify(String(v)).slice(0, 80)} was never seen in training` : null;
  }
  finish(): Column {
    return { name: this.name, type: 'categorical', codes: this.codes, categories: this.categories };
  }
}

/** int64 and text (and categoricals without a known category list): collected, then built by the frame builder. */
class CollectingDecoder implements FieldDecoder {
  private values: unknown[] = [];
  unseen = 0;
  constructor(
    readonly name: string,
    private readonly nullable: boolean,
    private readonly type: 'int64' | 'text' | 'categorical',
  ) {}
  begin(n: number): void {
    this.values = new Array<unknown>(n);
  }
  put(i: number, v: unknown): string | null {
    if (v === undefined) return 'missing';
    this.values[i] = v;
    if (v === null) return this.nullable ? null : NULL_REFUSED;
    if (this.type === 'int64') {
      const ok = (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^-?\d{1,19}$/.test(v));
      return ok ? null : `expected an integer, got ${kind(v)}`;
    }
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? null : `expected a string, got ${kind(v)}`;
  }
  finish(): Column {
    return columnFromValues(this.name, this.values, this.type);
  }
}

/** The decoder for one signature input. */
export function fieldDecoder(input: SignatureInput, policy: UnseenPolicy): FieldDecoder {
  switch (input.type) {
    case 'numeric':
      return new NumericDecoder(input.name, input.nullable, false);
    case 'timestamp':
      return new NumericDecoder(input.name, input.nullable, true);
    case 'boolean':
      return new BooleanDecoder(input.name, input.nullable);
    case 'categorical':
      return input.categories ? new CategoricalDecoder(input.name, input.nullable, input.categories, policy) : new CollectingDecoder(input.name, input.nullable, 'categorical');
    case 'int64':
    case 'text':
      return new CollectingDecoder(input.name, input.nullable, input.type);
  }
}
