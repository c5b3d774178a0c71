import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import type { Frame, NumericColumn } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';
import { kmeansBackground, sampleBackground } from './background.js';
import { coalitions, kernelShap } from './kernel-shap.js';

interface Case {
  background: number[][];
  rows: number[][];
  shap: number[][];
  expected: number;
  nsamples: number;
}
const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/explain/kernel-shap-reference.json', import.meta.url), 'utf8')) as { cases: Record<string, Case> };

const names = (M: number): string[] => Array.from({ length: M }, (_, j) => `c${j}`);
const toFrame = (X: number[][]): Frame => frameFromRecords(X.map((r) => Object.fromEntries(r.map((v, j) => [`c${j}`, v]))));
const col = (f: Frame, j: number): Float64Array => (f.column(`c${j}`) as NumericColumn).values;

/** The fixture's formula (make_kernel_shap_fixtures.py). */
function formula(f: Frame): Float64Array {
  const M = f.columns.length;
  const X = Array.from({ length: M }, (_, j) => col(f, j));
  return Float64Array.from({ length: f.rowCount }, (_, i) => {
    let out = 2 * X[0][i] - X[1][i] + 0.5 * X[2][i] * X[3][i] + Math.sin(X[4][i]) + 0.3 * X[5][i] ** 2;
    for (let j = 6; j < M; j++) out += 0.2 * (j - 5) * X[j][i] + 0.1 * X[j][i] * X[0][i];
    return out;
  });
}

describe('KernelSHAP', () => {
  it('small case: every coalition enumerated, equal to SHAP 0.51 KernelExplainer to 1e-9', () => {
    const c = fx.cases.small;
    const bg = toFrame(c.background);
    const res = kernelShap(toFrame(c.rows), names(6), { frame: bg, weights: new Float64Array(bg.rowCount).fill(1) }, formula, { nsamples: c.nsamples });
    expect(res.exact).toBe(true);
    expect(res.base).toBeCloseTo(c.expected, 10);
    c.shap.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(res.values[i * 6 + j] - v)).toBeLessThan(1e-9)));
  });

  it('wide case: 11 columns, 1000 sampled coalitions agree with SHAP within sampling tolerance; additivity exact', () => {
    const c = fx.cases.wide;
    const bg = toFrame(c.background);
    const res = kernelShap(toFrame(c.rows), names(11), { frame: bg, weights: new Float64Array(bg.rowCount).fill(1) }, formula, { nsamples: 1000, seed: 1 });
    expect(res.exact).toBe(false);
    let worst = 0;
    let scale = 0;
    c.shap.forEach((row, i) => {
      let sum = res.base;
      row.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(res.values[i * 11 + j] - v));
        scale = Math.max(scale, Math.abs(v));
        sum += res.values[i * 11 + j];
      });
      expect(Math.abs(sum - res.fx[i])).toBeLessThan(1e-9);
    });
    expect(worst).toBeLessThan(0.05 * scale);
  });

  it('exact for a linear model with independent features: phi_j = w_j (x_j - mean background x_j)', () => {
    const rng = new Rng(2);
    const w = [1.5, -2, 0.25, 3, 0, -0.5, 1, 2];
    const M = w.length;
    const mk = (n: number): number[][] => Array.from({ length: n }, () => w.map(() => rng.normal()));
    const bgRows = mk(15);
    const linear = (f: Frame): Float64Array => Float64Array.from({ length: f.rowCount }, (_, i) => w.reduce((s, wj, j) => s + wj * col(f, j)[i], 0.7));
    const rows = mk(10);
    for (const nsamples of [2 ** M - 2, 60]) {
      const res = kernelShap(toFrame(rows), names(M), sampleBackground(toFrame(bgRows), 100), linear, { nsamples, seed: 4 });
      const means = w.map((_, j) => bgRows.reduce((s, r) => s + r[j], 0) / bgRows.length);
      rows.forEach((r, i) => w.forEach((wj, j) => expect(res.values[i * M + j]).toBeCloseTo(wj * (r[j] - means[j]), 9)));
    }
  });

  it('coalition sampling is seeded and paired; the kernel weights of full enumeration sum as Shapley requires', () => {
    const a = coalitions(12, 100, new Rng(3));
    const b = coalitions(12, 100, new Rng(3));
    expect(Array.from(a.masks)).toEqual(Array.from(b.masks));
    for (let z = 0; z < a.count; z += 2) for (let j = 0; j < 12; j++) expect(a.masks[z * 12 + j] + a.masks[(z + 1) * 12 + j]).toBe(1);
    const full = coalitions(4, 100, new Rng(0));
    expect(full.count).toBe(14);
    // size 1: (M-1)/(C(4,1)*1*3) = 0.25
    expect(full.weights[0]).toBeCloseTo(0.25, 12);
  });

  it('k-means background: weights are cluster sizes, centres are data values; sample background is seeded', () => {
    const rows = toFrame(Array.from({ length: 60 }, (_, i) => [i < 30 ? 0 : 10, i % 3]));
    const bg = kmeansBackground(rows, ['c0', 'c1'], 2, 1);
    expect(Array.from(bg.weights).reduce((a, b) => a + b, 0)).toBe(60);
    for (const v of col(bg.frame, 0)) expect([0, 10]).toContain(v);
    expect(sampleBackground(rows, 5, 9).frame.row(0)).toEqual(sampleBackground(rows, 5, 9).frame.row(0));
  });

  it('refuses a request too large, with an estimate of its cost', () => {
    const c = fx.cases.small;
    const bg = toFrame(c.background);
    expect(() => kernelShap(toFrame(c.rows), names(6), { frame: bg, weights: new Float64Array(20).fill(1) }, formula, { maxEvaluations: 1000 })).toThrow(/model evaluations/);
  });
});
