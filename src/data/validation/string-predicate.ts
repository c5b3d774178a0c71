/**
 * Apply a per-string predicate to a categorical or text column, flagging failing rows. Categorical
 * columns evaluate the predicate once per dictionary entry, not once per row.
 */
import type { CategoricalColumn, TextColumn } from '../../core/frame.js';
import type { FailureBuffer } from './expectation-check.js';

/** Append rows whose non-missing string value fails `ok` to `out`. */
export function flagFailingStrings(col: CategoricalColumn | TextColumn, ok: (s: string) => boolean, out: FailureBuffer): void {
  const rows = out.rows;
  let k = out.count;
  if (col.type === 'categorical') {
    const good = new Uint8Array(col.categories.length);
    for (let c = 0; c < good.length; c++) good[c] = ok(col.categories[c]) ? 1 : 0;
    const codes = col.codes;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c >= 0 && good[c] === 0) rows[k++] = i;
    }
  } else {
    const v = col.values;
    for (let i = 0; i < v.length; i++) {
      const s = v[i];
      if (s !== null && !ok(s)) rows[k++] = i;
    }
  }
  out.count = k;
}
