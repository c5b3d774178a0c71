/**
 * The approximate paths stay within their documented error: KLL quantiles (±1% of n in rank),
 * HyperLogLog distinct counts (±3%), Misra–Gries top counts (short by at most n / capacity), and the
 * exact selection-based quantiles equal numpy's linear interpolation on sorted data.
 */
import { describe, expect, it } from 'vitest';
import { Frame } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';
import { CategoryCounter } from './category-counter.js';
import { KllSketch } from './kll-sketch.js';
import { NumericDistinctCounter } from './numeric-distinct-counter.js';
import { profileFrames } from './profile-frames.js';
import { RowHashSet } from './row-hash-set.js';
import { exactQuantiles } from './quantile-select.js';

const PS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

function sortedQuantile(sorted: Float64Array, p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// Fraction of values <= x in sorted data (the normalized rank of x).
function rankOf(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

describe('exactQuantiles', () => {
  it('equals sort + linear interpolation, with ties and odd sizes', () => {
    const rng = new Rng(7);
    const shapes: ((i: number) => number)[] = [
      () => Math.round(rng.normal() * 20) / 4,
      () => Math.exp(rng.normal() * 3),
      (i) => (i === 7 ? 1e12 : rng.normal()),
      (i) => (i % 10 === 0 ? rng.normal() : 3),
    ];
    for (const shape of shapes) {
      for (const n of [1, 2, 3, 10, 601, 5000, 20001, 100_000]) {
        const v = new Float64Array(n);
        for (let i = 0; i < n; i++) v[i] = shape(i);
        const sorted = v.slice().sort();
        const got = exactQuantiles(v.slice(), PS);
        // + 0 folds -0 into 0: either is a correct order statistic among tied zeros.
        PS.forEach((p, k) => expect(got[k] + 0).toBe(sortedQuantile(sorted, p) + 0));
      }
    }
  });
});

describe('KllSketch', () => {
  it('keeps every quantile within ±1% rank of the truth and is deterministic', () => {
    const rng = new Rng(11);
    const n = 300_000;
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = Math.exp(rng.normal());
    const a = new KllSketch();
    const b = new KllSketch();
    for (let i = 0; i < n; i++) {
      a.update(v[i]);
      b.update(v[i]);
    }
    const sorted = v.slice().sort();
    const qs = a.quantiles(PS);
    PS.forEach((p, k) => expect(Math.abs(rankOf(sorted, qs[k]) - p)).toBeLessThan(0.01));
    expect(b.quantiles(PS)).toEqual(qs);
    expect(a.weighted().values.length).toBeLessThan(4000);
  });
});

describe('NumericDistinctCounter', () => {
  it('is exact under the limit and within 3% past it', () => {
    const exact = new NumericDistinctCounter(1000);
    exact.addRange(Float64Array.from([1, 1, 2, -0, 0, NaN, 3.5]), 0, 7);
    expect([exact.count(), exact.exact]).toEqual([4, true]);
    const c = new NumericDistinctCounter(1000);
    const n = 200_000;
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = (i % 150_000) * 0.37;
    c.addRange(v, 0, n);
    expect(c.exact).toBe(false);
    expect(Math.abs(c.count() - 150_000) / 150_000).toBeLessThan(0.03);
  });
});

describe('CategoryCounter', () => {
  it('past the limit keeps heavy hitters with counts short by at most n / capacity', () => {
    const c = new CategoryCounter(100);
    const rng = new Rng(3);
    let n = 0;
    const truth = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const key = rng.next() < 0.3 ? `hot${rng.int(5)}` : `cold${rng.int(20_000)}`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
      c.add(key, 1);
      n++;
    }
    expect(c.exact).toBe(false);
    const top = c.top(5);
    expect(top.map((t) => t.value).sort()).toEqual(['hot0', 'hot1', 'hot2', 'hot3', 'hot4']);
    for (const t of top) {
      const real = truth.get(t.value) as number;
      expect(t.count).toBeLessThanOrEqual(real);
      expect(real - t.count).toBeLessThanOrEqual(n / 100);
    }
    expect(Math.abs(c.distinct() - truth.size) / truth.size).toBeLessThan(0.03);
  });
});

describe('RowHashSet', () => {
  it('finds repeats across growth, including the all-zero key', () => {
    const set = new RowHashSet();
    const rng = new Rng(4);
    const keys: [number, number][] = [[0, 0], [0, 1], [1, 0]];
    for (let i = 0; i < 50_000; i++) keys.push([rng.nextUint32(), rng.nextUint32()]);
    for (const [hi, lo] of keys) expect(set.add(hi, lo)).toBe(true);
    for (const [hi, lo] of keys) expect(set.add(hi, lo)).toBe(false);
    expect(set.count).toBe(keys.length);
  });
});

describe('profileFrames in sketch mode', () => {
  it('quantiles, histogram and outliers stay within the documented error; moments stay exact', async () => {
    const rng = new Rng(5);
    const n = 200_000;
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal() * 3 + 10;
    const chunks: Frame[] = [];
    for (let s = 0; s < n; s += 50_000) chunks.push(new Frame([{ name: 'x', type: 'numeric', values: v.subarray(s, s + 50_000) }]));
    const sk = (await profileFrames(chunks, { exactQuantileLimit: 20_000, exactDistinctLimit: 5000 })).columns[0];
    const ex = (await profileFrames(chunks, { exactDistinctLimit: n })).columns[0];
    expect([sk.quantilesExact, sk.distinctExact, ex.quantilesExact, ex.distinctExact]).toEqual([false, false, true, true]);
    expect(sk.mean).toBe(ex.mean);
    expect(sk.std).toBe(ex.std);
    expect([sk.min, sk.max]).toEqual([ex.min, ex.max]);
    const sorted = v.slice().sort();
    for (const [k, p] of [['p1', 0.01], ['p25', 0.25], ['p50', 0.5], ['p99', 0.99]] as const) {
      expect(Math.abs(rankOf(sorted, sk.quantiles?.[k] as number) - p)).toBeLessThan(0.01);
    }
    const skCounts = sk.histogram?.counts ?? [];
    const exCounts = ex.histogram?.counts ?? [];
    expect(sk.histogram?.edges).toEqual(ex.histogram?.edges);
    skCounts.forEach((c, i) => expect(Math.abs(c - exCounts[i])).toBeLessThanOrEqual(0.01 * n));
    expect(Math.abs((sk.outliers as number) - (ex.outliers as number))).toBeLessThanOrEqual(0.01 * n);
    expect(Math.abs(sk.distinct - ex.distinct) / ex.distinct).toBeLessThan(0.03);
  });
});
