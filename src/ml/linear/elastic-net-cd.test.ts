/**
 * The two coordinate-descent forms agree with each other and with scikit-learn, and wide designs
 * (beyond GRAM_MAX_FEATURES) take the residual form and still reach the optimum.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { fitElasticNet } from './fit-elastic-net.js';
import { fitLinear } from './fit-linear.js';
import { GRAM_MAX_FEATURES } from './weighted-design.js';

interface Ref {
  rows: number;
  names: string[];
  columns: number[][];
  targets: { regression: number[] };
  sampleWeight: number[];
  cases: { name: string; coef: number[][]; intercept: number[] }[];
}
const ref = JSON.parse(readFileSync(new URL('../../../test/fixtures/linear-reference.json', import.meta.url), 'utf8')) as Ref;
const x: FeatureMatrix = { rows: ref.rows, cols: ref.columns.length, data: Float64Array.from(ref.columns.flat()), names: ref.names, categoryCounts: new Int32Array(ref.columns.length) };
const y = Float64Array.from(ref.targets.regression);

describe('coordinate descent forms', () => {
  for (const [name, l1Ratio, weighted] of [['lasso_weighted', 1, true], ['enet', 0.5, false]] as const) {
    it(`residual form matches scikit-learn (${name}) like the Gram form`, () => {
      const expected = ref.cases.find((c) => c.name === name)!;
      const w = weighted ? Float64Array.from(ref.sampleWeight) : undefined;
      for (const form of ['gram', 'residual'] as const) {
        const fit = fitElasticNet(x, y, w, { alpha: 0.01, l1Ratio, fitIntercept: true, maxIter: 100000, tol: 1e-12, form });
        expect(fit.converged).toBe(true);
        for (let j = 0; j < x.cols; j++) expect(Math.abs(fit.coef[j] - expected.coef[0][j])).toBeLessThan(1e-8);
        expect(Math.abs(fit.intercept - expected.intercept[0])).toBeLessThan(1e-8);
      }
    });
  }

  it('wide ridge (more columns than GRAM_MAX_FEATURES) satisfies the ridge optimality condition', () => {
    const rows = 200;
    const cols = GRAM_MAX_FEATURES + 6;
    const rng = new Rng(5);
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    const yw = new Float64Array(rows);
    for (let i = 0; i < rows; i++) yw[i] = data[i] - 2 * data[3 * rows + i] + 0.1 * rng.normal() + 4;
    const wide: FeatureMatrix = { rows, cols, data, names: Array.from({ length: cols }, (_, j) => `f${j}`), categoryCounts: new Int32Array(cols) };
    const alpha = 50;
    const fit = fitLinear(wide, yw, { algo: 'ridge', task: 'regression', params: { alpha, tol: 1e-10, maxIter: 5000 } });
    expect(fit.converged).toBe(true);
    // Stationarity: X'(y - Xw - b) = alpha * w and sum(y - Xw - b) = 0.
    const r = new Float64Array(rows);
    for (let i = 0; i < rows; i++) r[i] = yw[i] - fit.intercepts[0];
    for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) r[i] -= data[j * rows + i] * fit.coefficients[j];
    expect(Math.abs(r.reduce((a, b) => a + b, 0))).toBeLessThan(1e-6);
    let worst = 0;
    for (let j = 0; j < cols; j++) {
      let g = 0;
      for (let i = 0; i < rows; i++) g += data[j * rows + i] * r[i];
      worst = Math.max(worst, Math.abs(g - alpha * fit.coefficients[j]));
    }
    expect(worst).toBeLessThan(1e-3);
  });
});
