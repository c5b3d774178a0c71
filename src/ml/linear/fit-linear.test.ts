/** fitLinear behaviour beyond the scikit-learn reference: runtime parity, determinism, bad input. */
import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { createLinearPredictor } from '../../runtime/linear/linear-predictor.js';
import { fitLinear } from './fit-linear.js';
import type { LinearFitOptions } from './fit-linear.js';
import { parseLinearParams } from './linear-params.js';

/** Seeded synthetic data: y = X b + noise, and class labels from the same scores. */
function synthetic(rows: number, cols: number, seed: number): { x: FeatureMatrix; yReg: Float64Array; yBin: Float64Array; yMulti: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const yReg = new Float64Array(rows);
  const yBin = new Float64Array(rows);
  const yMulti = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0.5;
    for (let j = 0; j < cols; j++) s += data[j * rows + i] * ((j % 5) - 2) * 0.3;
    yReg[i] = s + 0.1 * rng.normal();
    yBin[i] = rng.next() < 1 / (1 + Math.exp(-s)) ? 1 : 0;
    const t = s + rng.normal();
    yMulti[i] = t < -0.5 ? 0 : t < 1 ? 1 : 2;
  }
  const names = Array.from({ length: cols }, (_, j) => `f${j}`);
  return { x: { rows, cols, data, names, categoryCounts: new Int32Array(cols) }, yReg, yBin, yMulti };
}

const d = synthetic(500, 6, 7);

/** Reference scores computed straight from the fitted coefficients. */
function scores(x: FeatureMatrix, coef: Float64Array, intercepts: Float64Array): Float64Array {
  const k = intercepts.length;
  const out = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) {
    for (let c = 0; c < k; c++) {
      let s = intercepts[c];
      for (let j = 0; j < x.cols; j++) s += x.data[j * x.rows + i] * coef[j * k + c];
      out[i * k + c] = s;
    }
  }
  return out;
}

describe('fitLinear + createLinearPredictor', () => {
  const cases: [string, LinearFitOptions, Float64Array][] = [
    ['ridge', { algo: 'ridge', task: 'regression', params: { alpha: 2 } }, d.yReg],
    ['lasso', { algo: 'lasso', task: 'regression', params: { alpha: 0.05 } }, d.yReg],
    ['logistic binary', { algo: 'logistic', task: 'binary', params: {} }, d.yBin],
    ['logistic multinomial', { algo: 'logistic', task: 'multiclass', params: { C: 0.5 } }, d.yMulti],
  ];
  for (const [name, opts, y] of cases) {
    it(`${name}: runtime scores equal training-time scores, batch and row by row`, () => {
      const fit = fitLinear(d.x, y, opts);
      const state = JSON.parse(JSON.stringify(fit.state)) as typeof fit.state; // through the bundle's JSON
      const pred = createLinearPredictor(state);
      const expected = scores(d.x, fit.coefficients, fit.intercepts);
      const raw = pred.predictRaw(d.x);
      expect(pred.features).toBe(6);
      expect(raw.length).toBe(expected.length);
      for (let i = 0; i < raw.length; i++) expect(raw[i]).toBeCloseTo(expected[i], 12);
      const row = new Float64Array(6);
      const out = new Float64Array(pred.outputs);
      for (let i = 0; i < d.x.rows; i += 37) {
        for (let j = 0; j < 6; j++) row[j] = d.x.data[j * d.x.rows + i];
        pred.predictRowRaw(row, out);
        for (let c = 0; c < pred.outputs; c++) expect(out[c]).toBeCloseTo(raw[i * pred.outputs + c], 12);
      }
    });
  }

  it('sets link and outputs per task', () => {
    expect(createLinearPredictor(fitLinear(d.x, d.yReg, { algo: 'linear', task: 'regression', params: {} }).state).link).toBe('identity');
    const bin = createLinearPredictor(fitLinear(d.x, d.yBin, { algo: 'logistic', task: 'binary', params: {} }).state);
    expect([bin.link, bin.outputs]).toEqual(['sigmoid', 1]);
    const multi = createLinearPredictor(fitLinear(d.x, d.yMulti, { algo: 'logistic', task: 'multiclass', params: {} }).state);
    expect([multi.link, multi.outputs]).toEqual(['softmax', 3]);
  });

  it('is deterministic: same data and params give the same state bytes', () => {
    for (const opts of [
      { algo: 'elasticnet', task: 'regression', params: { alpha: 0.1 } },
      { algo: 'logistic', task: 'multiclass', params: { penalty: 'l1', C: 0.3 } },
    ] as LinearFitOptions[]) {
      const y = opts.task === 'regression' ? d.yReg : d.yMulti;
      expect(JSON.stringify(fitLinear(d.x, y, opts).state)).toBe(JSON.stringify(fitLinear(d.x, y, opts).state));
    }
  });

  it('reports progress through onIteration', () => {
    const losses: number[] = [];
    const fit = fitLinear(d.x, d.yBin, { algo: 'logistic', task: 'binary', params: {}, onIteration: (_it, loss) => losses.push(loss) });
    expect(losses.length).toBe(fit.iterations);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });

  it('sample weights of 2 equal duplicated rows', () => {
    const rows = 100;
    const sub: FeatureMatrix = { ...d.x, rows, data: new Float64Array(rows * 6) };
    const dup: FeatureMatrix = { ...d.x, rows: rows + 10, data: new Float64Array((rows + 10) * 6) };
    const y = d.yBin.slice(0, rows);
    const yDup = new Float64Array(rows + 10);
    for (let j = 0; j < 6; j++) {
      for (let i = 0; i < rows; i++) sub.data[j * rows + i] = d.x.data[j * d.x.rows + i];
      for (let i = 0; i < rows + 10; i++) dup.data[j * (rows + 10) + i] = d.x.data[j * d.x.rows + (i < rows ? i : i - rows)];
    }
    yDup.set(y);
    yDup.set(y.subarray(0, 10), rows);
    const w = new Float64Array(rows).fill(1);
    w.fill(2, 0, 10);
    const params = { tol: 1e-10 };
    const a = fitLinear(sub, y, { algo: 'logistic', task: 'binary', params, sampleWeight: w });
    const b = fitLinear(dup, yDup, { algo: 'logistic', task: 'binary', params });
    for (let j = 0; j < 6; j++) expect(a.coefficients[j]).toBeCloseTo(b.coefficients[j], 6);
  });
});

describe('fitLinear input checks', () => {
  it('names the feature and row of a NaN or Infinity', () => {
    const data = d.x.data.slice();
    data[2 * d.x.rows + 17] = NaN;
    const bad = { ...d.x, data };
    expect(() => fitLinear(bad, d.yReg, { algo: 'ridge', task: 'regression', params: {} })).toThrow(InputError);
    expect(() => fitLinear(bad, d.yReg, { algo: 'ridge', task: 'regression', params: {} })).toThrow(/feature 'f2'.*row 17/);
    data[2 * d.x.rows + 17] = Infinity;
    expect(() => fitLinear(bad, d.yBin, { algo: 'logistic', task: 'binary', params: {} })).toThrow(/infinite value at row 17/);
  });

  it('handles a constant target for regression (zero coefficients, intercept = the constant)', () => {
    const y = new Float64Array(d.x.rows).fill(3.5);
    for (const algo of ['linear', 'ridge', 'lasso', 'elasticnet'] as const) {
      const fit = fitLinear(d.x, y, { algo, task: 'regression', params: {} });
      for (const c of fit.coefficients) expect(Math.abs(c)).toBeLessThan(1e-10);
      expect(fit.intercepts[0]).toBeCloseTo(3.5, 10);
      expect(fit.converged).toBe(true);
    }
  });

  it('handles a constant feature in OLS (coefficient 0)', () => {
    const data = d.x.data.slice();
    data.fill(4, 0, d.x.rows);
    const fit = fitLinear({ ...d.x, data }, d.yReg, { algo: 'linear', task: 'regression', params: {} });
    expect(Math.abs(fit.coefficients[0])).toBeLessThan(1e-8);
    expect(Number.isFinite(fit.intercepts[0])).toBe(true);
  });

  it('rejects a classification target with one class', () => {
    const y = new Float64Array(d.x.rows).fill(1);
    expect(() => fitLinear(d.x, y, { algo: 'logistic', task: 'binary', params: {} })).toThrow(InputError);
    expect(() => fitLinear(d.x, y, { algo: 'logistic', task: 'binary', params: {} })).toThrow(/only one class/);
  });

  it('rejects labels outside 0..k-1, bad weights, and shape mismatches', () => {
    const y = d.yMulti.slice();
    y[3] = 5;
    expect(() => fitLinear(d.x, y, { algo: 'logistic', task: 'multiclass', numClasses: 3, params: {} })).toThrow(/class label 5 at row 3/);
    expect(() => fitLinear(d.x, d.yBin, { algo: 'logistic', task: 'binary', params: {}, sampleWeight: new Float64Array(3) })).toThrow(InputError);
    const w = new Float64Array(d.x.rows).fill(1);
    w[9] = -1;
    expect(() => fitLinear(d.x, d.yReg, { algo: 'ridge', task: 'regression', params: {}, sampleWeight: w })).toThrow(/row 9/);
    expect(() => fitLinear(d.x, d.yReg.subarray(1), { algo: 'ridge', task: 'regression', params: {} })).toThrow(InputError);
  });

  it('accepts a fully resolved LinearParams (parseLinearParams output) but not an inapplicable non-default', () => {
    const full = parseLinearParams('logistic', { C: 0.5 });
    const a = fitLinear(d.x, d.yBin, { algo: 'logistic', task: 'binary', params: full });
    const b = fitLinear(d.x, d.yBin, { algo: 'logistic', task: 'binary', params: { C: 0.5 } });
    expect(Array.from(a.coefficients)).toEqual(Array.from(b.coefficients));
    expect(() => fitLinear(d.x, d.yBin, { algo: 'logistic', task: 'binary', params: { ...full, alpha: 3 } })).toThrow(/logistic has no parameter 'alpha'/);
    expect(() => fitLinear(d.x, d.yReg, { algo: 'ridge', task: 'regression', params: parseLinearParams('ridge', { alpha: 3 }) })).not.toThrow();
  });

  it('rejects algorithm / task mismatches and bad params with UsageError', () => {
    expect(() => fitLinear(d.x, d.yReg, { algo: 'logistic', task: 'regression', params: {} })).toThrow(UsageError);
    expect(() => fitLinear(d.x, d.yBin, { algo: 'ridge', task: 'binary', params: {} })).toThrow(UsageError);
    expect(() => fitLinear(d.x, d.yReg, { algo: 'ridge', task: 'regression', params: { alpha: -1 } })).toThrow(/alpha must be >= 0/);
  });
});
