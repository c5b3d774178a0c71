/**
 * Binning at inference (sklearn KBinsDiscretizer, encode='ordinal'): the bin index of each value is the
 * number of inner edges <= value (`searchsorted(edges[1:-1], x, side='right')`), so values outside the
 * training range fall into the first or last bin. Missing values stay NaN.
 */
import type { TransformerState } from '../bundle-types.js';
import type { CompiledStep } from './compiled-step.js';
import { StateReader } from './state-reader.js';
import type { WorkingSet } from './working-set.js';

/** Serialized binner. */
export interface KBinsState extends TransformerState {
  readonly kind: 'kbins';
  readonly column: string;
  /** Inner bin edges, ascending (the outer edges are -inf/+inf); empty for a constant column. */
  readonly thresholds: readonly number[];
}

/** Compile a `kbins` state. */
export function compileKBins(state: TransformerState, index: number): CompiledStep {
  const r = new StateReader(state, index);
  const column = r.string('column');
  const thresholds = r.numbers('thresholds');
  for (let j = 1; j < thresholds.length; j++) if (!(thresholds[j] > thresholds[j - 1])) throw r.fail('thresholds', 'strictly ascending');
  const m = thresholds.length;
  return {
    reads: [column],
    writes: [column],
    apply(work: WorkingSet): void {
      const src = work.numeric(column, r.where);
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        if (v !== v) {
          out[i] = NaN;
          continue;
        }
        // Binary search for the count of thresholds <= v.
        let lo = 0;
        let hi = m;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (thresholds[mid] <= v) lo = mid + 1;
          else hi = mid;
        }
        out[i] = lo;
      }
      work.setNumeric(column, out);
    },
  };
}
