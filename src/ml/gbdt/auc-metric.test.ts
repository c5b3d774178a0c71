/** `BucketedAuc` returns exactly (===) what the sort-based `auc` returns, on every kind of score set. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { BucketedAuc, auc } from './auc-metric.js';
import { evaluateMetric } from './eval-metrics.js';

function labels(n: number, rate: number, rng: Rng): Float64Array {
  return new Float64Array(n).map(() => (rng.next() < rate ? 1 : 0));
}

/** Both AUCs of one score set, through one evaluator (so that its reused buffers are exercised too). */
function expectSame(ev: BucketedAuc, scores: Float64Array, y: Float64Array): void {
  const want = auc(scores, y);
  const got = ev.value(scores);
  expect(Object.is(got, want), `got ${got}, want ${want}`).toBe(true);
}

describe('BucketedAuc', () => {
  it('equals auc on continuous, tied, clumped, signed-zero and constant scores', () => {
    const rng = new Rng(7);
    for (const n of [1, 2, 3, 17, 100, 1000, 20_000]) {
      const y = labels(n, 0.4, rng);
      const ev = new BucketedAuc(y);
      const cases: Float64Array[] = [
        new Float64Array(n).map(() => rng.normal()),
        // Few distinct values: whole buckets of ties (the first boosting rounds look like this).
        new Float64Array(n).map(() => Math.floor(rng.next() * 5) * 0.25 - 0.5),
        // Rounded values: many small tied groups.
        new Float64Array(n).map(() => Math.round(rng.normal() * 50) / 50),
        // A dense clump plus far outliers: most rows share a few buckets without being tied.
        new Float64Array(n).map((_, i) => (i % 97 === 0 ? rng.normal() * 1e6 : rng.normal() * 1e-6)),
        new Float64Array(n).map(() => (rng.next() < 0.5 ? -0 : 0)),
        new Float64Array(n).fill(1.5),
        new Float64Array(n).map(() => rng.next() * Number.MAX_VALUE * (rng.next() < 0.5 ? -1 : 1)),
        new Float64Array(n).map(() => rng.next() * 1e-310),
      ];
      for (const s of cases) expectSame(ev, s, y);
    }
  });

  it('equals auc with one class absent, labels other than 0/1, NaN and infinite scores', () => {
    const rng = new Rng(3);
    const n = 500;
    const s = new Float64Array(n).map(() => rng.normal());
    expectSame(new BucketedAuc(new Float64Array(n)), s, new Float64Array(n));
    expectSame(new BucketedAuc(new Float64Array(n).fill(1)), s, new Float64Array(n).fill(1));
    const y3 = new Float64Array(n).map(() => Math.floor(rng.next() * 3));
    expectSame(new BucketedAuc(y3), s, y3);
    const y = labels(n, 0.5, rng);
    const ev = new BucketedAuc(y);
    const inf = s.slice();
    inf[3] = Infinity;
    inf[8] = -Infinity;
    expectSame(ev, inf, y);
    const nan = s.slice();
    nan[10] = NaN;
    expect(ev.value(nan)).toBe(auc(nan, y));
    const first = s.slice();
    first[0] = NaN;
    expect(ev.value(first)).toBe(auc(first, y));
    expectSame(ev, s, y);
    expect(new BucketedAuc(new Float64Array(0)).value(new Float64Array(0))).toBeNaN();
  });

  it('equals auc every round of a simulated boosting run (leaf values added per leaf, zero leaves, bagging)', () => {
    const rng = new Rng(11);
    const n = 6000;
    const y = labels(n, 0.3, rng);
    const scores = new Float64Array(n).fill(Math.log(0.3 / 0.7));
    const ev = new BucketedAuc(y);
    const leafOf = new Int32Array(n);
    for (let round = 0; round < 60; round++) {
      const leaves = 2 + Math.floor(rng.next() * 30);
      const values = new Float64Array(leaves).map(() => (rng.next() < 0.2 ? 0 : (rng.next() - 0.5) * 0.3));
      // Leaves follow the labels loosely, as a tree fitted to the gradients does.
      for (let i = 0; i < n; i++) leafOf[i] = rng.next() < 0.6 ? (y[i] === 1 ? 0 : leaves - 1) : Math.floor(rng.next() * leaves);
      for (let i = 0; i < n; i++) if (rng.next() < 0.8) scores[i] += values[leafOf[i]];
      expectSame(ev, scores, y);
    }
  });

  it('is what evaluateMetric returns for a target that carries it', () => {
    const rng = new Rng(5);
    const y = labels(3000, 0.5, rng);
    const s = new Float64Array(3000).map(() => Math.round(rng.normal() * 20));
    const ev = new BucketedAuc(y);
    expect(evaluateMetric('auc', s, { y, outputs: 1, queryStart: undefined, auc: ev })).toBe(evaluateMetric('auc', s, { y, outputs: 1, queryStart: undefined }));
  });
});
