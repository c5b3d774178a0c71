/** src/core/stats against scipy/numpy reference values (test/fixtures/scripts/stats_reference.py). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chiSquareCdf, chiSquareSf } from './chi-square-distribution.js';
import { chiSquareContingency, chiSquareGoodnessOfFit } from './chi-square-test.js';
import { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma.js';
import { kolmogorovLimitSf, kolmogorovSf } from './kolmogorov-distribution.js';
import { ksTwoSample } from './ks-two-sample.js';
import { populationStabilityIndex } from './population-stability-index.js';
import { quantileInPlace, quantileSorted } from './quantile.js';
import { Rng } from '../rng.js';
import { smirnovSf } from './smirnov-distribution.js';

type Gen = [number, number, number, number, number, number];
interface Ref {
  gammainc: { a: number; x: number; p: number; q: number }[];
  chi2sf: { x: number; dof: number; sf: number; cdf: number }[];
  kstwo: { n: number; x: number; sf: number }[];
  smirnov: { n: number; x: number; sf: number }[];
  kstwobign: { z: number; sf: number }[];
  ks2samp: { label: string; a: Gen; b: Gen; statistic: number; pvalue: number }[];
  chisquare: { observed: number[]; expected: number[]; statistic: number; pvalue: number }[];
  contingency: { table: number[][]; statistic: number; pvalue: number; dof: number }[];
  psi: { a: Gen; b: Gen; psi: number }[];
}

const ref = JSON.parse(readFileSync(new URL('../../../test/fixtures/stats-reference.json', import.meta.url), 'utf8')) as Ref;

/** The fixture script's integer sample generator, reproduced bit for bit. */
function gen([n, mult, add, mod, scale, shift]: Gen): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (((i * mult + add) % mod) / mod) * scale + shift;
  return out;
}

const close = (actual: number, expected: number, abs: number, rel = 0): void => {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(abs + rel * Math.abs(expected));
};

describe('incomplete gamma and chi-square distribution', () => {
  it('matches scipy.special.gammainc/gammaincc', () => {
    for (const r of ref.gammainc) {
      close(regularizedGammaP(r.a, r.x), r.p, 1e-12, 1e-10);
      close(regularizedGammaQ(r.a, r.x), r.q, 1e-12, 1e-10);
    }
  });
  it('matches scipy.stats.chi2 sf/cdf', () => {
    for (const r of ref.chi2sf) {
      close(chiSquareSf(r.x, r.dof), r.sf, 1e-12, 1e-10);
      close(chiSquareCdf(r.x, r.dof), r.cdf, 1e-12, 1e-10);
    }
  });
});

describe('Kolmogorov and Smirnov distributions', () => {
  it('kolmogorovSf matches scipy.stats.kstwo.sf on every branch', () => {
    for (const r of ref.kstwo) close(kolmogorovSf(r.n, r.x), r.sf, 1e-9, 1e-7);
  });
  it('smirnovSf matches scipy.special.smirnov', () => {
    for (const r of ref.smirnov) close(smirnovSf(r.n, r.x), r.sf, 1e-10, 1e-8);
  });
  it('kolmogorovLimitSf matches scipy.stats.kstwobign.sf', () => {
    for (const r of ref.kstwobign) close(kolmogorovLimitSf(r.z), r.sf, 1e-12);
  });
});

describe('ksTwoSample', () => {
  for (const r of ref.ks2samp) {
    it(`matches scipy ks_2samp (auto): ${r.label}`, () => {
      const res = ksTwoSample(gen(r.a), gen(r.b));
      close(res.statistic, r.statistic, 1e-12);
      close(res.pValue, r.pvalue, 1e-6);
      expect(res.method).toBe(Math.max(r.a[0], r.b[0]) <= 10_000 ? 'exact' : 'asymptotic');
    });
  }
});

describe('chi-square tests', () => {
  it('goodness of fit matches scipy.stats.chisquare', () => {
    for (const r of ref.chisquare) {
      const res = chiSquareGoodnessOfFit(r.observed, r.expected);
      close(res.statistic, r.statistic, 1e-10);
      close(res.pValue, r.pvalue, 1e-10);
    }
  });
  it('contingency matches scipy.stats.chi2_contingency (Yates at dof 1)', () => {
    for (const r of ref.contingency) {
      const res = chiSquareContingency(r.table);
      expect(res.dof).toBe(r.dof);
      close(res.statistic, r.statistic, 1e-10);
      close(res.pValue, r.pvalue, 1e-10);
    }
  });
  it('rejects mismatched totals', () => {
    expect(() => chiSquareGoodnessOfFit([1, 2], [1, 1])).toThrow(/sum to/);
  });
});

describe('PSI and quantiles', () => {
  it('matches the numpy decile-binning reference', () => {
    for (const r of ref.psi) close(populationStabilityIndex(gen(r.a), gen(r.b)), r.psi, 1e-10);
  });
  it('quantileSorted interpolates like numpy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.1)).toBeCloseTo(1.3, 12);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
  it('quantileInPlace (selection) equals quantileSorted on random and tied data', () => {
    const rng = new Rng(3);
    for (const n of [1, 2, 7, 100, 1001]) {
      for (const ties of [false, true]) {
        const v = Float64Array.from({ length: n }, () => (ties ? rng.int(5) : rng.normal()));
        const sorted = Float64Array.from(v).sort();
        for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.99, 1]) expect(quantileInPlace(Float64Array.from(v), q)).toBe(quantileSorted(sorted, q));
      }
    }
  });
});
