import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import type { Frame } from '../../core/frame.js';
import { float64Values } from '../../core/frame.js';
import type { CategoricalColumn, NumericColumn } from '../../core/frame.js';
import { getMetric } from '../metrics/metric-registry.js';
import { partialDependence } from './partial-dependence.js';
import { permutationImportance } from './permutation-importance.js';

interface Fixture {
  X: number[][];
  y_reg: number[];
  y_clf: number[];
  shuffles: number[][];
  permutation: Record<string, { scoring: string; importances: number[][]; mean: number[]; std: number[]; seeded: { mean: number[]; std: number[]; repeats: number } }>;
  pdp: Record<string, { feature: number; categorical: boolean; grid: number[]; average: number[]; individual: number[][] }[]>;
}
const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/explain/inspection-reference.json', import.meta.url), 'utf8')) as Fixture;
const COLS = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5'];
// x5 is a categorical column with levels "0", "1", "2" (as codes in the fixture).
const frame = frameFromRecords(fx.X.map((r) => Object.fromEntries(r.map((v, j) => [COLS[j], j === 5 ? String(v) : v]))));

function num(f: Frame, name: string): Float64Array {
  return float64Values(f.column(name) as NumericColumn);
}
function level(f: Frame): Float64Array {
  const c = f.column('x5') as CategoricalColumn;
  return Float64Array.from(c.codes, (code) => Number(c.categories[code]));
}
/** The fixture's regression formula. */
function regPredict(f: Frame): Float64Array {
  const [x0, x1, x2, x3, x4] = ['x0', 'x1', 'x2', 'x3', 'x4'].map((n) => num(f, n));
  const x5 = level(f);
  return Float64Array.from(x0, (_, i) => 2 * x0[i] - x1[i] + 0.5 * x2[i] * x3[i] + Math.sin(x4[i]) + [0, 1.5, -1][x5[i]]);
}
/** The fixture's classifier: P(class 1). */
function clfProba(f: Frame): Float64Array {
  const [x0, x1, x2] = ['x0', 'x1', 'x2'].map((n) => num(f, n));
  return Float64Array.from(x0, (_, i) => 1 / (1 + Math.exp(-(1.5 * x0[i] - x1[i] + x2[i] * 0.5))));
}
const yReg = Float64Array.from(fx.y_reg);
const yClf = Int32Array.from(fx.y_clf);
const scorers: Record<string, (f: Frame) => number> = {
  regression_r2: (f) => getMetric('r2').compute({ yTrue: yReg, yPred: regPredict(f) } as never),
  regression_neg_rmse: (f) => -getMetric('rmse').compute({ yTrue: yReg, yPred: regPredict(f) } as never),
  classification_accuracy: (f) => {
    const p = clfProba(f);
    const proba = new Float64Array(p.length * 2);
    p.forEach((v, i) => {
      proba[2 * i] = 1 - v;
      proba[2 * i + 1] = v;
    });
    return getMetric('accuracy').compute({ yTrue: yClf, proba, nClasses: 2 } as never);
  },
};

describe('permutation importance against scikit-learn 1.9 permutation_importance', () => {
  for (const [name, ref] of Object.entries(fx.permutation)) {
    it(`${name}: replaying scikit-learn's shuffles gives its importances exactly`, () => {
      const r = permutationImportance(frame, COLS, scorers[name], { permutations: fx.shuffles });
      for (let c = 0; c < COLS.length; c++) {
        for (let k = 0; k < r.repeats; k++) expect(r.importances[c * r.repeats + k]).toBeCloseTo(ref.importances[c][k], 12);
        expect(r.mean[c]).toBeCloseTo(ref.mean[c], 12);
        expect(r.std[c]).toBeCloseTo(ref.std[c], 12);
      }
    });
    it(`${name}: seeded shuffles agree with scikit-learn's means within sampling error`, () => {
      const r = permutationImportance(frame, COLS, scorers[name], { repeats: 30, seed: 3 });
      const again = permutationImportance(frame, COLS, scorers[name], { repeats: 30, seed: 3 });
      expect(Array.from(again.importances)).toEqual(Array.from(r.importances));
      for (let c = 0; c < COLS.length; c++) {
        // Two independent 30-repeat means: difference within 4 standard errors (plus float noise).
        const se = Math.sqrt((r.std[c] ** 2 + ref.seeded.std[c] ** 2) / 30);
        expect(Math.abs(r.mean[c] - ref.seeded.mean[c])).toBeLessThanOrEqual(4 * se + 1e-9);
      }
    });
  }

  it('bad input: one row, zero repeats, a wrong-length order', () => {
    expect(() => permutationImportance(frame.slice(0, 1), COLS, scorers.regression_r2)).toThrow(/at least 2 rows/);
    expect(() => permutationImportance(frame, COLS, scorers.regression_r2, { repeats: 0 })).toThrow(/repeats/);
    expect(() => permutationImportance(frame, COLS, scorers.regression_r2, { permutations: [[0, 1]] })).toThrow(/entries/);
  });
});

describe("partial dependence against scikit-learn 1.9 partial_dependence(method='brute', kind='both')", () => {
  for (const [name, curves] of Object.entries(fx.pdp)) {
    for (const ref of curves) {
      it(`${name} x${ref.feature}${ref.categorical ? ' (categorical)' : ''}: grid, average and ICE`, () => {
        const predict = name === 'regression' ? regPredict : clfProba;
        const pd = partialDependence(frame, COLS[ref.feature], predict, { gridResolution: 20, ice: true });
        const grid = pd.grid.map(Number);
        const order = grid.map((_, g) => g).sort((a, b) => grid[a] - grid[b]);
        expect(order.map((g) => grid[g])).toEqual(ref.grid.map((v) => expect.closeTo(v, 12)));
        order.forEach((g, j) => {
          expect(pd.average[g]).toBeCloseTo(ref.average[j], 12);
          for (let i = 0; i < frame.rowCount; i++) expect(pd.individual?.[i * grid.length + g]).toBeCloseTo(ref.individual[i][j], 12);
        });
      });
    }
  }
});
