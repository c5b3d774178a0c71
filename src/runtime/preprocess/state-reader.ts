/**
 * `StateReader`: typed, validated access to the fields of a serialized `TransformerState`. Bundles are
 * user-supplied documents, so every field is checked once at compile time and a malformed one names the
 * transformer (position and kind) and the field instead of failing later inside a kernel.
 */
import { InputError } from '../../core/errors.js';
import type { TransformerState } from '../bundle-types.js';

/** Reads fields of one transformer state, throwing InputError on a missing or mistyped field. */
export class StateReader {
  readonly state: TransformerState;
  readonly index: number;

  constructor(state: TransformerState, index: number) {
    this.state = state;
    this.index = index;
  }

  /** A description of this state for error messages. */
  get where(): string {
    return `preprocessing step ${this.index} (${this.state.kind})`;
  }

  /** An error about field `field` of this state. */
  fail(field: string, expected: string): InputError {
    return new InputError(`malformed bundle: ${this.where} field "${field}" must be ${expected}`, { field, step: this.index }, 'Re-export the model bundle; it was edited or produced by an incompatible version.');
  }

  /** A required string field. */
  string(field: string): string {
    const v = this.state[field];
    if (typeof v !== 'string') throw this.fail(field, 'a string');
    return v;
  }

  /** A required finite number field. */
  number(field: string): number {
    const v = this.state[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.fail(field, 'a finite number');
    return v;
  }

  /** A number field where null stands for NaN (JSON has no NaN). */
  numberOrNull(field: string): number {
    const v = this.state[field];
    if (v === null) return NaN;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.fail(field, 'a finite number or null');
    return v;
  }

  /** A required boolean field. */
  boolean(field: string): boolean {
    const v = this.state[field];
    if (typeof v !== 'boolean') throw this.fail(field, 'true or false');
    return v;
  }

  /** A string field restricted to a set of values. */
  oneOf<T extends string>(field: string, allowed: readonly T[]): T {
    const v = this.state[field];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw this.fail(field, `one of ${allowed.join(', ')}`);
    return v as T;
  }

  /** A required array of strings. */
  strings(field: string): string[] {
    const v = this.state[field];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw this.fail(field, 'an array of strings');
    return v as string[];
  }

  /** A string field that may be null. */
  stringOrNull(field: string): string | null {
    const v = this.state[field];
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') throw this.fail(field, 'a string or null');
    return v;
  }

  /** A required array of finite numbers, as a Float64Array. */
  numbers(field: string, length?: number): Float64Array {
    const v = this.state[field];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw this.fail(field, 'an array of finite numbers');
    if (length !== undefined && v.length !== length) throw this.fail(field, `an array of ${length} numbers`);
    return Float64Array.from(v as number[]);
  }

  /** An [min, max] pair of positive integers (n-gram ranges). */
  range(field: string): [number, number] {
    const v = this.state[field];
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isInteger(x) && (x as number) >= 1) || (v[0] as number) > (v[1] as number)) {
      throw this.fail(field, 'a [min, max] pair of positive integers');
    }
    return [v[0] as number, v[1] as number];
  }
}
