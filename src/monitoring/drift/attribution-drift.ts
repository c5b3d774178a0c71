/**
 * Attribution drift (SageMaker Clarify's feature-attribution drift): how much the model's reasons changed
 * between a baseline and a window, from per-feature global importance = mean |SHAP| over rows.
 *
 * - NDCG (Clarify's score): with a_f the baseline importance of feature f, F the features ranked by the
 *   window's importance and F' ranked by the baseline's, DCG = Σ_{i=1..k} a_{F_i} / log2(i + 1),
 *   iDCG = Σ_{i=1..k} a_{F'_i} / log2(i + 1), NDCG = DCG / iDCG ∈ (0, 1]; 1 when the ranking is unchanged.
 *   Drift when NDCG < threshold (Clarify's default 0.90). k defaults to every feature.
 * - Distance: total variation between the importance shares (each side's mean |SHAP| divided by its sum),
 *   ½ Σ |r_f − c_f| ∈ [0, 1]; it sees a change of magnitudes that keeps the ranking.
 * Ranks are 1-based, ties broken by the baseline's feature order.
 */
import { InputError } from '../../core/errors.js';
import type { MonitorResultPoint } from '../monitor-run.js';

/** Global importance per feature: mean |SHAP| over rows. */
export type FeatureImportance = Readonly<Record<string, number>>;

/** Options of `attributionDrift`. */
export interface AttributionDriftOptions {
  /** Compare only the top k features of each ranking (default: all). */
  readonly topK?: number;
  /** Drift when NDCG falls below this (default 0.9, Clarify's). */
  readonly threshold?: number;
}

/** One feature's importance on both sides. */
export interface FeatureAttributionChange {
  readonly feature: string;
  readonly reference: number;
  readonly current: number;
  readonly referenceRank: number;
  readonly currentRank: number;
  /** referenceRank − currentRank: positive when the feature became more important. */
  readonly rankChange: number;
}

/** The attribution-drift result. */
export interface AttributionDrift {
  readonly ndcg: number;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly topK: number;
  /** Total-variation distance between the importance shares. */
  readonly distance: number;
  /** Every baseline feature, in baseline rank order. */
  readonly features: readonly FeatureAttributionChange[];
}

/** Mean |SHAP| per feature of an n x p row-major attribution matrix (NaN rows refused). */
export function meanAbsoluteAttributions(features: readonly string[], values: Float64Array): Record<string, number> {
  const p = features.length;
  if (p === 0) throw new InputError('attribution drift: no features', { field: 'features' });
  if (values.length % p !== 0) throw new InputError(`attribution drift: ${values.length} attribution values are not a multiple of the ${p} features`, { field: 'values' });
  const n = values.length / p;
  if (n === 0) throw new InputError('attribution drift: no rows of attributions; an empty window has no attribution drift', { field: 'values' });
  const sums = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const v = values[i * p + j];
      if (!Number.isFinite(v)) throw new InputError(`attribution drift: attribution of '${features[j]}' at row ${i} is ${v}`, { field: 'values', row: i, column: features[j] });
      sums[j] += Math.abs(v);
    }
  }
  return Object.fromEntries(features.map((f, j) => [f, sums[j] / n]));
}

function checkImportance(side: string, imp: FeatureImportance, features: readonly string[]): void {
  for (const f of features) {
    if (!Object.hasOwn(imp, f)) throw new InputError(`attribution drift: feature '${f}' has no ${side} attribution; both sides must explain the same features`, { field: side, column: f });
    const v = imp[f];
    if (!(Number.isFinite(v) && v >= 0)) throw new InputError(`attribution drift: ${side} importance of '${f}' is ${v}; use mean |SHAP| (finite, >= 0)`, { field: side, column: f });
  }
}

/** Ranks (1-based) by decreasing importance, ties in `features` order. */
function ranks(imp: FeatureImportance, features: readonly string[]): Map<string, number> {
  const order = features.map((f, i) => ({ f, i })).sort((a, b) => imp[b.f] - imp[a.f] || a.i - b.i);
  return new Map(order.map((o, r) => [o.f, r + 1]));
}

/** Compares baseline and window importance: NDCG of the rankings (Clarify) and the share distance. */
export function attributionDrift(reference: FeatureImportance, current: FeatureImportance, options: AttributionDriftOptions = {}): AttributionDrift {
  const features = Object.keys(reference);
  if (features.length === 0) throw new InputError('attribution drift: the baseline explains no features', { field: 'reference' });
  checkImportance('reference', reference, features);
  checkImportance('current', current, features);
  const extra = Object.keys(current).filter((f) => !Object.hasOwn(reference, f));
  if (extra.length > 0) throw new InputError(`attribution drift: the window explains features the baseline does not: ${extra.join(', ')}`, { field: 'current', column: extra[0] });
  const topK = options.topK ?? features.length;
  if (!(Number.isInteger(topK) && topK >= 1)) throw new InputError(`attribution drift: topK must be an integer >= 1, got ${topK}`, { field: 'topK' });
  const threshold = options.threshold ?? 0.9;
  if (!(threshold > 0 && threshold <= 1)) throw new InputError(`attribution drift: threshold must be in (0, 1], got ${threshold}`, { field: 'threshold' });
  const k = Math.min(topK, features.length);
  const refRank = ranks(reference, features);
  const curRank = ranks(current, features);
  const byRef = [...features].sort((a, b) => (refRank.get(a) as number) - (refRank.get(b) as number));
  const byCur = [...features].sort((a, b) => (curRank.get(a) as number) - (curRank.get(b) as number));
  let dcg = 0;
  let idcg = 0;
  for (let i = 0; i < k; i++) {
    const discount = Math.log2(i + 2);
    dcg += reference[byCur[i]] / discount;
    idcg += reference[byRef[i]] / discount;
  }
  if (!(idcg > 0)) throw new InputError('attribution drift: every baseline attribution is 0; the ranking comparison is undefined', { field: 'reference' });
  let rs = 0;
  let cs = 0;
  for (const f of features) {
    rs += reference[f];
    cs += current[f];
  }
  let tv = 0;
  for (const f of features) tv += Math.abs(reference[f] / rs - (cs > 0 ? current[f] / cs : 0));
  const ndcg = dcg / idcg;
  return {
    ndcg,
    threshold,
    drifted: ndcg < threshold,
    topK: k,
    distance: tv / 2,
    features: byRef.map((f) => ({
      feature: f,
      reference: reference[f],
      current: current[f],
      referenceRank: refRank.get(f) as number,
      currentRank: curRank.get(f) as number,
      rankChange: (refRank.get(f) as number) - (curRank.get(f) as number),
    })),
  };
}

/**
 * Attribution drift as monitor results (drift check): `attribution_ndcg` (drifted below its threshold),
 * `attribution_distance`, and per feature the window's `mean_abs_shap` — what rules like
 * `attribution_ndcg < 0.9` read.
 */
export function attributionDriftResultPoints(result: AttributionDrift): MonitorResultPoint[] {
  return [
    { check: 'drift', metric: 'attribution_ndcg', column: null, value: result.ndcg, drifted: result.drifted },
    { check: 'drift', metric: 'attribution_distance', column: null, value: result.distance },
    ...result.features.map((f) => ({ check: 'drift' as const, metric: 'mean_abs_shap', column: f.feature, value: f.current })),
  ];
}
