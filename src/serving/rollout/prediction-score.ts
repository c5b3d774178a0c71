/**
 * The prediction score a model's training baseline describes (`bundle.baseline.predictions`: a 20-bin
 * equal-width histogram of the positive-class probability for binary classifiers, the highest class
 * probability for multiclass, the value for regression — `ml/train/train-model.ts`), computed the same way
 * from live answers, and binned on the baseline's own edges plus an under and an over bin (as monitoring's
 * binned drift does), so live and training counts are directly comparable for the `psi` guard.
 */
import type { ModelBundle } from '../../runtime/bundle-types.js';
import type { ModelOutput } from '../loaded-model.js';

/** A training prediction histogram: `edges` (bins + 1, ascending) and `counts` (bins). */
export interface PredictionHistogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** The bundle's training prediction histogram, or null when it has none (ONNX models, older bundles, no finite training scores). */
export function predictionHistogramOf(bundle: ModelBundle): PredictionHistogram | null {
  // ONNX models stand behind a bundle-shaped placeholder without `baseline`.
  const p = (bundle as { baseline?: ModelBundle['baseline'] }).baseline?.predictions;
  if (!p || p.edges.length < 2 || p.counts.length !== p.edges.length - 1) return null;
  let total = 0;
  for (const c of p.counts) total += c;
  return total > 0 ? p : null;
}

/** Score of each answered row, as the training histogram measured it (NaN where the answer lacks it). */
export function predictionScores(task: string, output: ModelOutput): number[] {
  const n = output.predictions.length;
  const out = new Array<number>(n);
  const probs = output.probabilities;
  for (let i = 0; i < n; i++) {
    if (task === 'binary') out[i] = probs?.[i]?.[1] ?? Number.NaN;
    else if (task === 'multiclass') out[i] = probs?.[i] ? Math.max(...probs[i]) : Number.NaN;
    else {
      const v = output.predictions[i];
      out[i] = typeof v === 'number' ? v : Number.NaN;
    }
  }
  return out;
}

/**
 * The bin of a score on `edges`: 0 below the first edge, 1..bins inside (equal width, the last closed),
 * bins + 1 above the last edge; -1 for a non-finite score (not counted).
 */
export function scoreBin(x: number, edges: readonly number[]): number {
  if (!Number.isFinite(x)) return -1;
  const bins = edges.length - 1;
  const lo = edges[0];
  const hi = edges[bins];
  if (x < lo) return 0;
  if (x > hi) return bins + 1;
  if (hi === lo) return 1;
  return 1 + Math.min(bins - 1, Math.floor(((x - lo) / (hi - lo)) * bins));
}

/** Reference counts of a histogram over the same bins as `scoreBin` (the under and over bins are empty). */
export function referenceCounts(h: PredictionHistogram): number[] {
  return [0, ...h.counts, 0];
}
