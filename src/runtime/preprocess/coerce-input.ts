/**
 * Input checking at inference: turns a Frame column into the type the model signature declares.
 * Clients send what they have (numbers as strings, booleans as 0/1, categories as numbers, timestamps as
 * ISO strings or epoch ms); anything that cannot be read as the declared type is an InputError naming
 * the column and the row.
 */
import { InputError } from '../../core/errors.js';
import { BOOL_MISSING, INT64_MISSING, float64Values, int64Cell } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import { columnFromValues, parseIsoTimestamp } from '../../core/frame-builder.js';
import type { SignatureInput } from '../bundle-types.js';

function badValue(input: SignatureInput, row: number, value: unknown, expected: string): InputError {
  return new InputError(`column "${input.name}" row ${row + 1}: expected ${expected}, got ${JSON.stringify(value)}`, { column: input.name, row: row + 1 }, `Send ${expected} (or null for missing) in column "${input.name}".`);
}

function stringAt(col: Column, i: number): string | null {
  if (col.type === 'categorical') return col.codes[i] < 0 ? null : col.categories[col.codes[i]];
  if (col.type === 'text') return col.values[i];
  return null;
}

/** The column converted to `input.type`; the same column when it already has that type. */
export function coerceInput(col: Column, input: SignatureInput): Column {
  if (col.type === input.type) return col;
  const n = col.type === 'categorical' ? col.codes.length : col.values.length;
  // Row numbers in messages are 1-based data rows (the header is not counted), as everywhere in Kiln.
  const name = input.name;
  switch (input.type) {
    case 'numeric':
    case 'timestamp': {
      const out = new Float64Array(n);
      // int64 inputs score as float64: models are fitted on doubles (exact up to 2^53).
      if (col.type === 'numeric' || col.type === 'timestamp') out.set(col.values);
      else if (col.type === 'int64') out.set(float64Values(col));
      else if (col.type === 'boolean') for (let i = 0; i < n; i++) out[i] = col.values[i] === BOOL_MISSING ? NaN : col.values[i];
      else {
        for (let i = 0; i < n; i++) {
          const s = stringAt(col, i);
          if (s === null || s.trim() === '') {
            out[i] = NaN;
            continue;
          }
          const v = input.type === 'numeric' ? Number(s) : parseIsoTimestamp(s.trim());
          if (Number.isNaN(v)) throw badValue(input, i, s, input.type === 'numeric' ? 'a number' : 'an ISO-8601 timestamp');
          out[i] = v;
        }
      }
      return { name, type: input.type, values: out };
    }
    case 'int64': {
      const values: unknown[] = new Array<unknown>(n);
      for (let i = 0; i < n; i++) values[i] = col.type === 'int64' ? (col.values[i] === INT64_MISSING ? null : col.values[i]) : col.type === 'categorical' || col.type === 'text' ? stringAt(col, i) : col.type === 'boolean' ? (col.values[i] === BOOL_MISSING ? null : col.values[i]) : Number.isNaN(col.values[i]) ? null : col.values[i];
      return columnFromValues(name, values, 'int64');
    }
    case 'boolean': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        let v: number;
        if (col.type === 'int64') {
          const x = col.values[i];
          v = x === INT64_MISSING ? BOOL_MISSING : x === 1n ? 1 : x === 0n ? 0 : -1;
          if (v < 0) throw badValue(input, i, x.toString(), 'a boolean');
        } else if (col.type === 'numeric' || col.type === 'timestamp') {
          const x = col.values[i];
          v = Number.isNaN(x) ? BOOL_MISSING : x === 1 ? 1 : x === 0 ? 0 : -1;
          if (v < 0) throw badValue(input, i, x, 'a boolean');
        } else {
          const s = stringAt(col, i);
          const t = s === null ? '' : s.trim().toLowerCase();
          v = t === '' ? BOOL_MISSING : t === 'true' || t === '1' || t === 'yes' ? 1 : t === 'false' || t === '0' || t === 'no' ? 0 : -1;
          if (v < 0) throw badValue(input, i, s, 'a boolean');
        }
        out[i] = v;
      }
      return { name, type: 'boolean', values: out };
    }
    case 'categorical':
    case 'text': {
      const strs: (string | null)[] = new Array<string | null>(n);
      for (let i = 0; i < n; i++) {
        if (col.type === 'int64') strs[i] = col.values[i] === INT64_MISSING ? null : String(int64Cell(col.values[i]));
        else if (col.type === 'numeric' || col.type === 'timestamp') strs[i] = Number.isNaN(col.values[i]) ? null : col.type === 'numeric' ? String(col.values[i]) : new Date(col.values[i]).toISOString();
        else if (col.type === 'boolean') strs[i] = col.values[i] === BOOL_MISSING ? null : col.values[i] === 1 ? 'true' : 'false';
        else strs[i] = stringAt(col, i);
      }
      // Text is enough: encoders accept text columns and build their lookup per batch.
      return { name, type: 'text', values: strs };
    }
  }
}
