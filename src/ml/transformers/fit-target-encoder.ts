/**
 * `fitTargetEncoder`: target encoding without leakage (sklearn 1.3 TargetEncoder). The state holds the
 * encodings learned on all training rows; the training matrix instead gets out-of-fold encodings: rows
 * are split into k seeded folds (stratified for classification) and each fold is encoded with statistics
 * of the other folds only, so no row ever sees its own target.
 *
 * Encoding of a category with n rows and target sum s: `(s + m * prior) / (n + m)` for a numeric
 * smoothing m (m-estimate, as category_encoders); with 'auto', sklearn's empirical-Bayes blend
 * `lambda * mean + (1 - lambda) * prior`, `lambda = n * var(y) / (n * var(y) + var_within)`. Binary and
 * regression targets give one output; multiclass gives one per class (one-vs-rest).
 */
import { UsageError } from '../../core/errors.js';
import type { TargetEncodeState } from '../../runtime/preprocess/target-encode.js';
import type { FitContext, FittedStep } from './fit-context.js';
import type { TargetEncodeStep } from './pipeline-spec.js';

/** Per-output encodings of `categories` learned from the rows where `use[i]` is 1. */
function encode(codes: Int32Array, k: number, ys: readonly Float64Array[], use: Uint8Array | null, smoothing: number | 'auto'): { enc: Float64Array; prior: Float64Array } {
  const T = ys.length;
  const enc = new Float64Array(T * k);
  const prior = new Float64Array(T);
  const n = new Float64Array(k);
  const sum = new Float64Array(k);
  const sumSq = new Float64Array(k);
  for (let t = 0; t < T; t++) {
    const y = ys[t];
    n.fill(0);
    sum.fill(0);
    sumSq.fill(0);
    let total = 0;
    let totalSum = 0;
    let totalSq = 0;
    for (let i = 0; i < codes.length; i++) {
      if (use && !use[i]) continue;
      const v = y[i];
      total++;
      totalSum += v;
      totalSq += v * v;
      const c = codes[i];
      if (c >= 0) {
        n[c]++;
        sum[c] += v;
        sumSq[c] += v * v;
      }
    }
    const p = total > 0 ? totalSum / total : 0;
    const varY = total > 0 ? Math.max(0, totalSq / total - p * p) : 0;
    prior[t] = p;
    for (let c = 0; c < k; c++) {
      let e = p;
      if (n[c] > 0) {
        const mean = sum[c] / n[c];
        if (smoothing === 'auto') {
          const varWithin = Math.max(0, sumSq[c] / n[c] - mean * mean);
          const denom = varY * n[c] + varWithin;
          const lambda = denom > 0 ? (varY * n[c]) / denom : 1;
          e = lambda * mean + (1 - lambda) * p;
        } else e = (sum[c] + smoothing * p) / (n[c] + smoothing);
      }
      enc[t * k + c] = e;
    }
  }
  return { enc, prior };
}

/** Fit a `target_encode` step on a working column; needs the target. */
export function fitTargetEncoder(ctx: FitContext, column: string, step: TargetEncodeStep): FittedStep {
  const y = ctx.target;
  if (!y) throw new UsageError(`target_encode on "${column}" needs the target`, { column }, 'Pass opts.target to fitPipeline.');
  if (ctx.task === 'ranking') throw new UsageError('target_encode is not supported for ranking', { column });
  const col = ctx.work.categorical(column, 'target_encode');
  const k = col.categories.length;
  const rows = ctx.work.rows;
  const smoothing = step.smoothing ?? 'auto';
  const folds = Math.min(step.folds ?? 5, rows);
  const classification = ctx.task === 'binary' || ctx.task === 'multiclass';

  let ys: Float64Array[];
  let outputs: string[];
  if (ctx.task === 'multiclass') {
    let classes = 0;
    for (let i = 0; i < rows; i++) classes = Math.max(classes, y[i] + 1);
    ys = [];
    for (let c = 0; c < classes; c++) {
      const yc = new Float64Array(rows);
      for (let i = 0; i < rows; i++) yc[i] = y[i] === c ? 1 : 0;
      ys.push(yc);
    }
    outputs = ys.map((_, c) => `${column}__te_${c}`);
  } else {
    ys = [y];
    outputs = [`${column}__te`];
  }

  // Fold assignment: a seeded permutation; for classes, stable-sorted by class so each fold is stratified.
  const perm = Array.from(ctx.rng.permutation(rows));
  if (classification) perm.sort((a, b) => y[a] - y[b]);
  const fold = new Int32Array(rows);
  perm.forEach((row, pos) => (fold[row] = pos % folds));

  const oof = outputs.map(() => new Float64Array(rows));
  const use = new Uint8Array(rows);
  for (let f = 0; f < folds; f++) {
    for (let i = 0; i < rows; i++) use[i] = fold[i] === f ? 0 : 1;
    const { enc, prior } = encode(col.codes, k, ys, use, smoothing);
    for (let i = 0; i < rows; i++) {
      if (fold[i] !== f) continue;
      const c = col.codes[i];
      for (let t = 0; t < outputs.length; t++) oof[t][i] = c < 0 ? prior[t] : enc[t * k + c];
    }
  }

  const full = encode(col.codes, k, ys, null, smoothing);
  const state: TargetEncodeState = { kind: 'target_encode', column, categories: [...col.categories], encodings: Array.from(full.enc), prior: Array.from(full.prior), outputs };
  return { state, trainOutputs: new Map(outputs.map((name, t) => [name, oof[t]])) };
}
