/**
 * One metrics implementation: the GBDT's per-iteration metrics are fast specialised versions (they run
 * every boosting round), so they are pinned here to `ml/metrics`, the implementation users see in
 * evaluation reports, on data with ties, extreme scores and several queries.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { accuracy } from '../metrics/accuracy.js';
import { ndcgAtK } from '../metrics/ndcg.js';
import { binaryLogLoss, logLoss } from '../metrics/probability-losses.js';
import { meanAbsoluteError, rootMeanSquaredError } from '../metrics/regression-metrics.js';
import { rocAuc } from '../metrics/roc.js';
import { auc, evaluateMetric } from './eval-metrics.js';

const rng = new Rng(7);
const n = 2000;
const y = new Float64Array(n);
const raw = new Float64Array(n);
for (let i = 0; i < n; i++) {
  y[i] = rng.next() < 0.3 ? 1 : 0;
  // Rounded scores make many ties; a few extreme ones test the stable logloss form.
  raw[i] = Math.round((rng.normal() + y[i]) * 8) / 8 + (i % 97 === 0 ? 12 : 0);
}
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const target = (t: Float64Array, outputs = 1, queryStart?: Int32Array) => ({ y: t, outputs, queryStart });

describe('GBDT eval metrics equal ml/metrics', () => {
  it('auc equals rocAuc, ties included', () => {
    expect(auc(raw, y)).toBeCloseTo(rocAuc(y, raw), 12);
    expect(evaluateMetric('auc', raw, target(y))).toBeCloseTo(rocAuc(y, raw), 12);
  });

  it('logloss on raw scores equals binaryLogLoss on sigmoid probabilities', () => {
    const p = raw.map(sigmoid);
    // Scores up to ~14: beyond that 1 - sigmoid(z) loses digits in the probability route, not in ours.
    expect(evaluateMetric('logloss', raw, target(y))).toBeCloseTo(binaryLogLoss(y, p), 9);
  });

  it('rmse and mae equal the regression metrics', () => {
    const yr = raw.map((v, i) => v * 0.5 + Math.sin(i));
    expect(evaluateMetric('rmse', raw, target(yr))).toBeCloseTo(rootMeanSquaredError(yr, raw), 12);
    expect(evaluateMetric('mae', raw, target(yr))).toBeCloseTo(meanAbsoluteError(yr, raw), 12);
  });

  it('mlogloss and merror equal logLoss and 1 - accuracy on softmax outputs', () => {
    const K = 3;
    const yc = new Float64Array(n);
    const s = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      yc[i] = i % K;
      for (let k = 0; k < K; k++) s[i * K + k] = rng.normal() + (k === yc[i] ? 1 : 0);
    }
    const proba = new Float64Array(n * K);
    const pred = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, s[i * K + k]);
      let z = 0;
      for (let k = 0; k < K; k++) z += Math.exp(s[i * K + k] - mx);
      let arg = 0;
      for (let k = 0; k < K; k++) {
        proba[i * K + k] = Math.exp(s[i * K + k] - mx) / z;
        if (s[i * K + k] > s[i * K + arg]) arg = k;
      }
      pred[i] = arg;
    }
    const yi = Int32Array.from(yc);
    expect(evaluateMetric('mlogloss', s, target(yc, K))).toBeCloseTo(logLoss(yi, proba, K), 12);
    expect(evaluateMetric('merror', s, target(yc, K))).toBeCloseTo(1 - accuracy(yi, pred), 12);
  });

  it('ndcg@k equals ndcgAtK with LightGBM gains (2^rel - 1) on untied scores', () => {
    // The GBDT reports LightGBM's ndcg (exponential gain, as its lambdarank objective optimises);
    // on untied scores with a relevant row per query it is ml/metrics' ndcg of the gains.
    const sizes = [5, 12, 1, 30, 7, 9];
    const m = sizes.reduce((a, b) => a + b, 0);
    const qs = new Int32Array(sizes.length + 1);
    const groups = new Int32Array(m);
    const rel = new Float64Array(m);
    const score = new Float64Array(m);
    let r = 0;
    sizes.forEach((sz, q) => {
      qs[q + 1] = qs[q] + sz;
      for (let j = 0; j < sz; j++, r++) {
        groups[r] = q;
        rel[r] = j === 0 ? 3 : Math.floor(rng.next() * 4);
        score[r] = rng.normal() + rel[r] * 0.3 + r * 1e-9;
      }
    });
    const gains = rel.map((l) => 2 ** l - 1);
    for (const k of [1, 3, 10]) {
      expect(evaluateMetric(`ndcg@${k}`, score, target(rel, 1, qs))).toBeCloseTo(ndcgAtK(gains, score, groups, k), 12);
    }
  });
});
