/**
 * SageMaker Clarify's bias metrics, computed from boolean row masks (docs/fairness.md has every
 * formula). Facet d is the sensitive group, facet a everything else. Pre-training metrics read the
 * observed labels; post-training metrics compare predicted labels with them. Ratios follow Clarify's
 * `divide`: 0/0 = 0 and x/0 = +-Infinity, and a difference of two equal infinities is 0. The label
 * distribution metrics (KL, JS, LP, TVD, KS) compare the distributions of the label's values over
 * the values both facets have (Clarify's aligned non-zero pdfs, not renormalized).
 */
import { InputError } from '../../core/errors.js';

/** Per-row inputs. */
export interface BiasInputs {
  /** 1 = row in the sensitive facet d. */
  readonly facetD: Uint8Array;
  /** 1 = observed label is the positive outcome. */
  readonly positive: Uint8Array;
  /** The label's value per row (as text), for the distribution metrics. */
  readonly labelValues: readonly string[];
  /** 1 = predicted positive (post-training). */
  readonly predicted?: Uint8Array;
  /** Group code per row for the conditional demographic disparities (CDDL, CDDPL). */
  readonly group?: Int32Array;
  /** Numeric feature columns for the flip test (FT). */
  readonly features?: readonly Float64Array[];
}

/** The pre-training metric names, in Clarify's order. */
export const PRE_TRAINING_METRICS = ['CI', 'DPL', 'KL', 'JS', 'LP', 'TVD', 'KS', 'CDDL'] as const;
/** The post-training metric names, in Clarify's order. */
export const POST_TRAINING_METRICS = ['DPPL', 'DI', 'DCA', 'DCR', 'RD', 'DAR', 'DRR', 'AD', 'TE', 'FT', 'CDDPL', 'GE', 'SD'] as const;

/** Clarify's division: 0/0 = 0, x/0 = +-Infinity. */
export function divide(a: number, b: number): number {
  if (b === 0) return a === 0 ? 0 : a < 0 ? -Infinity : Infinity;
  return a / b;
}

/** Difference where two equal infinities give 0 (Clarify's convention). */
function diff(x: number, y: number): number {
  return x === y && x === Infinity ? 0 : x - y;
}

/** Confusion counts of one facet. */
interface Counts {
  n: number;
  pos: number;
  predPos: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function counts(inp: BiasInputs, facet: 0 | 1): Counts {
  const c: Counts = { n: 0, pos: 0, predPos: 0, tp: 0, fp: 0, fn: 0, tn: 0 };
  const pred = inp.predicted;
  for (let i = 0; i < inp.facetD.length; i++) {
    if (inp.facetD[i] !== facet) continue;
    c.n++;
    const y = inp.positive[i];
    c.pos += y;
    if (!pred) continue;
    const p = pred[i];
    c.predPos += p;
    if (y && p) c.tp++;
    else if (!y && p) c.fp++;
    else if (y && !p) c.fn++;
    else c.tn++;
  }
  return c;
}

/** Conditional demographic disparity: sum over groups of n_i (D_i - A_i) / n. */
export function conditionalDemographicDisparity(facetD: Uint8Array, accepted: Uint8Array, group: Int32Array): number {
  const n = facetD.length;
  let anyAccepted = false;
  let anyRejected = false;
  for (let i = 0; i < n; i++) {
    if (accepted[i]) anyAccepted = true;
    else anyRejected = true;
  }
  if (!anyAccepted) throw new InputError('conditional demographic disparity needs at least one positive outcome', { field: 'label' });
  if (!anyRejected) throw new InputError('conditional demographic disparity needs at least one negative outcome', { field: 'label' });
  const stats = new Map<number, { n: number; acc: number; accD: number; rej: number; rejD: number }>();
  for (let i = 0; i < n; i++) {
    let s = stats.get(group[i]);
    if (!s) stats.set(group[i], (s = { n: 0, acc: 0, accD: 0, rej: 0, rejD: 0 }));
    s.n++;
    if (accepted[i]) {
      s.acc++;
      s.accD += facetD[i];
    } else {
      s.rej++;
      s.rejD += facetD[i];
    }
  }
  let num = 0;
  let total = 0;
  for (const s of stats.values()) {
    const a = s.acc > 0 ? s.accD / s.acc : 0;
    const d = s.rej > 0 ? s.rejD / s.rej : 0;
    num += s.n * (d - a);
    total += s.n;
  }
  return divide(num, total);
}

/** Aligned label-value distributions of the two facets over the values both have. */
function alignedPdfs(inp: BiasInputs): { pa: number[]; pd: number[] } {
  const ca = new Map<string, number>();
  const cd = new Map<string, number>();
  let na = 0;
  let nd = 0;
  inp.labelValues.forEach((v, i) => {
    if (inp.facetD[i]) {
      cd.set(v, (cd.get(v) ?? 0) + 1);
      nd++;
    } else {
      ca.set(v, (ca.get(v) ?? 0) + 1);
      na++;
    }
  });
  const pa: number[] = [];
  const pd: number[] = [];
  for (const v of [...ca.keys()].sort()) {
    const d = cd.get(v);
    if (d === undefined) continue;
    pa.push((ca.get(v) as number) / na);
    pd.push(d / nd);
  }
  return { pa, pd };
}

/** Flip test: kNN (k = 5, or 1 when facet a has at most 9 rows) over facet a's predicted labels. */
export function flipTest(features: readonly Float64Array[], facetD: Uint8Array, predicted: Uint8Array): number {
  const n = facetD.length;
  const aIdx: number[] = [];
  const dIdx: number[] = [];
  for (let i = 0; i < n; i++) (facetD[i] ? dIdx : aIdx).push(i);
  if (features.length === 0) return NaN;
  const k = aIdx.length > 9 ? 5 : 1;
  const F = features.length;
  let flipsPos = 0;
  let flipsNeg = 0;
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (const d of dIdx) {
    bestD.fill(Infinity);
    bestI.fill(-1);
    for (const a of aIdx) {
      let dist = 0;
      for (let f = 0; f < F; f++) {
        const t = features[f][d] - features[f][a];
        dist += t * t;
      }
      if (dist >= bestD[k - 1]) continue;
      // Insertion into the sorted k best; equal distances keep the earlier row first.
      let j = k - 1;
      while (j > 0 && bestD[j - 1] > dist) {
        bestD[j] = bestD[j - 1];
        bestI[j] = bestI[j - 1];
        j--;
      }
      bestD[j] = dist;
      bestI[j] = a;
    }
    let votes = 0;
    let m = 0;
    for (let j = 0; j < k; j++) {
      if (bestI[j] < 0) continue;
      votes += predicted[bestI[j]];
      m++;
    }
    // Majority vote; a tie goes to the negative class (scikit-learn's argmax picks the first class).
    const counterfactual = votes * 2 > m ? 1 : 0;
    if (predicted[d] > counterfactual) flipsPos++;
    else if (predicted[d] < counterfactual) flipsNeg++;
  }
  return divide(flipsPos - flipsNeg, dIdx.length);
}

/** Every pre-training metric (CDDL only with groups). */
export function preTrainingMetrics(inp: BiasInputs): Record<string, number> {
  const a = counts(inp, 0);
  const d = counts(inp, 1);
  if (d.n === 0) throw new InputError('the sensitive facet has no rows', { field: 'facet' }, 'Check --facet-value (or the threshold): no row matches it.');
  if (a.n === 0) throw new InputError('every row is in the sensitive facet, so there is nothing to compare it with', { field: 'facet' }, 'Pick a facet value that not every row has.');
  const { pa, pd } = alignedPdfs(inp);
  const out: Record<string, number> = {
    CI: (a.n - d.n) / (a.n + d.n),
    DPL: a.pos / a.n - d.pos / d.n,
    KL: pa.reduce((s, p, i) => s + p * Math.log(p / pd[i]), 0),
    JS: 0.5 * pa.reduce((s, p, i) => {
      const m = (p + pd[i]) / 2;
      return s + p * Math.log(p / m) + pd[i] * Math.log(pd[i] / m);
    }, 0),
    LP: Math.sqrt(pa.reduce((s, p, i) => s + (p - pd[i]) ** 2, 0)),
    TVD: 0.5 * pa.reduce((s, p, i) => s + Math.abs(p - pd[i]), 0),
    KS: pa.reduce((s, p, i) => Math.max(s, Math.abs(p - pd[i])), 0),
  };
  if (inp.group) out.CDDL = conditionalDemographicDisparity(inp.facetD, inp.positive, inp.group);
  return out;
}

/** Every post-training metric (CDDPL only with groups, FT only with numeric features). */
export function postTrainingMetrics(inp: BiasInputs): Record<string, number> {
  const pred = inp.predicted;
  if (!pred) throw new InputError('post-training metrics need predicted labels', { field: 'model' });
  const a = counts(inp, 0);
  const d = counts(inp, 1);
  if (d.n === 0) throw new InputError('the sensitive facet has no rows', { field: 'facet' });
  if (a.n === 0) throw new InputError('every row is in the sensitive facet, so there is nothing to compare it with', { field: 'facet' });
  const qa = a.predPos / a.n;
  const qd = d.predPos / d.n;
  const acc = (c: Counts): number => divide(c.tp + c.tn, c.n);
  const out: Record<string, number> = {
    DPPL: qa - qd,
    DI: divide(qd, qa),
    DCA: diff(divide(a.pos, a.predPos), divide(d.pos, d.predPos)),
    DCR: diff(divide(d.n - d.pos, d.n - d.predPos), divide(a.n - a.pos, a.n - a.predPos)),
    RD: diff(divide(a.tp, a.tp + a.fn), divide(d.tp, d.tp + d.fn)),
    DAR: diff(divide(a.tp, a.predPos), divide(d.tp, d.predPos)),
    DRR: diff(divide(d.tn, d.n - d.predPos), divide(a.tn, a.n - a.predPos)),
    AD: diff(acc(a), acc(d)),
    TE: diff(divide(d.fn, d.fp), divide(a.fn, a.fp)),
    FT: inp.features && inp.features.length > 0 ? flipTest(inp.features, inp.facetD, pred) : NaN,
  };
  if (inp.group) out.CDDPL = conditionalDemographicDisparity(inp.facetD, pred, inp.group);
  // Generalized entropy (alpha = 2) of the benefits b_i = yhat_i - y_i + 1 over all rows.
  const n = inp.facetD.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += pred[i] - inp.positive[i] + 1;
  mean /= n;
  if (mean === 0) throw new InputError('every prediction is a false negative, so generalized entropy is undefined', { field: 'model' });
  let ge = 0;
  for (let i = 0; i < n; i++) ge += ((pred[i] - inp.positive[i] + 1) / mean) ** 2 - 1;
  out.GE = ge / (n * 2);
  out.SD = diff(divide(d.tn, d.tn + d.fp), divide(a.tn, a.tn + a.fp));
  return out;
}
