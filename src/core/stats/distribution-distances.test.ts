/** Distribution distances against SciPy/NumPy (test/fixtures/scripts/drift_distances_reference.py). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { hellingerDistance, histogramCounts, jensenShannonDistance, klDivergence, proportionZTest, sturgesBinEdges, wassersteinDistance, wassersteinDistanceSorted } from './distribution-distances.js';

/** The plain merge the drift report used before its branch-light loop: results must stay bit-identical. */
function plainMergeWasserstein(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let prev = Math.min(a[0], b[0]);
  let dist = 0;
  while (i < n || j < m) {
    const x = j >= m || (i < n && a[i] <= b[j]) ? a[i] : b[j];
    dist += Math.abs(i / n - j / m) * (x - prev);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    prev = x;
  }
  return dist;
}

const ref = JSON.parse(readFileSync('test/fixtures/drift-distances-reference.json', 'utf8')) as {
  u: number[];
  v: number[];
  wasserstein: number;
  edges: number[];
  countsU: number[];
  countsV: number[];
  js: number;
  kl: number;
  hellinger: number;
  ztest: { z: number; p: number };
};
const u = Float64Array.from(ref.u);
const v = Float64Array.from(ref.v);

describe('distribution distances (SciPy reference)', () => {
  it('wasserstein_distance', () => {
    expect(wassersteinDistance(u, v)).toBeCloseTo(ref.wasserstein, 12);
    expect(wassersteinDistance(u, u)).toBe(0);
    expect(wassersteinDistance(Float64Array.of(0), Float64Array.of(3))).toBe(3);
  });

  it('the sorted-sample merge is bit-identical to the plain merge (ties, zeros of both signs, uneven sizes)', () => {
    const rng = new Rng(21);
    const draws: (() => number)[] = [() => rng.normal(), () => rng.int(9) - 4, () => (rng.next() < 0.3 ? (rng.next() < 0.5 ? -0 : 0) : rng.normal() * 1e-3)];
    for (const draw of draws) {
      for (const [n, m] of [[1, 1], [1, 50], [700, 3], [5000, 4000]]) {
        const a = Float64Array.from({ length: n }, draw).sort();
        const b = Float64Array.from({ length: m }, () => draw() + (rng.next() < 0.5 ? 0 : 0.1)).sort();
        expect(Object.is(wassersteinDistanceSorted(a, b), plainMergeWasserstein(a, b))).toBe(true);
        expect(Object.is(wassersteinDistanceSorted(b, a), plainMergeWasserstein(b, a))).toBe(true);
      }
    }
    // Infinite ends take the plain loop (the arithmetic select would make NaN of them).
    for (const [a, b] of [[Float64Array.of(-Infinity, 0, 1), Float64Array.of(0, 2)], [Float64Array.of(0, 1, Infinity), Float64Array.of(-1, 0.5, 3)], [Float64Array.of(1, 2), Float64Array.of(1.5, Infinity)]]) {
      expect(Object.is(wassersteinDistanceSorted(a, b), plainMergeWasserstein(a, b))).toBe(true);
      expect(Object.is(wassersteinDistanceSorted(b, a), plainMergeWasserstein(b, a))).toBe(true);
    }
  });

  it('sturges edges and histogram counts', () => {
    const both = new Float64Array(u.length + v.length);
    both.set(u);
    both.set(v, u.length);
    const edges = sturgesBinEdges(both);
    expect(edges.length).toBe(ref.edges.length);
    edges.forEach((e, i) => expect(e).toBeCloseTo(ref.edges[i], 12));
    expect(Array.from(histogramCounts(u, edges))).toEqual(ref.countsU);
    expect(Array.from(histogramCounts(v, edges))).toEqual(ref.countsV);
  });

  it('jensenshannon, entropy (KL) with 1e-4 fill, hellinger', () => {
    expect(jensenShannonDistance(ref.countsU, ref.countsV)).toBeCloseTo(ref.js, 12);
    const fill = (c: number[]): number[] => {
      const s = c.reduce((a, b) => a + b, 0);
      return c.map((x) => (x === 0 ? 0.0001 : x / s));
    };
    expect(klDivergence(fill(ref.countsU), fill(ref.countsV))).toBeCloseTo(ref.kl, 12);
    expect(hellingerDistance(ref.countsU, ref.countsV)).toBeCloseTo(ref.hellinger, 12);
    expect(klDivergence([1, 0], [0, 1])).toBe(Infinity);
    expect(jensenShannonDistance([1, 0], [1, 0])).toBe(0);
  });

  it('two-proportion z-test', () => {
    const r = proportionZTest(130, 400, 90, 350);
    expect(r.statistic).toBeCloseTo(ref.ztest.z, 12);
    expect(r.pValue).toBeCloseTo(ref.ztest.p, 12);
    expect(proportionZTest(0, 10, 0, 10)).toEqual({ statistic: 0, pValue: 1 });
  });
});
