/**
 * fitLinear against scikit-learn 1.2.1 on a standardized California Housing sample
 * (test/fixtures/linear-reference.json, written by test/fixtures/scripts/linear_reference.py).
 * Acceptance: coefficients and intercepts match to 1e-4 (absolute, relative above magnitude 1).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { createLinearPredictor } from '../../runtime/linear/linear-predictor.js';
import { fitLinear } from './fit-linear.js';
import type { LinearAlgo, LinearParams } from './linear-params.js';

interface ReferenceCase {
  name: string;
  algo: LinearAlgo;
  task: 'binary' | 'multiclass' | 'regression';
  params: Record<string, unknown>;
  weighted: boolean;
  coef: number[][];
  intercept: number[];
  probaHead?: number[][];
}

interface Reference {
  rows: number;
  names: string[];
  columns: number[][];
  targets: Record<'regression' | 'binary' | 'multiclass', number[]>;
  sampleWeight: number[];
  cases: ReferenceCase[];
}

const ref = JSON.parse(readFileSync(new URL('../../../test/fixtures/linear-reference.json', import.meta.url), 'utf8')) as Reference;
const x: FeatureMatrix = {
  rows: ref.rows,
  cols: ref.columns.length,
  data: Float64Array.from(ref.columns.flat()),
  names: ref.names,
  categoryCounts: new Int32Array(ref.columns.length),
};
const sampleWeight = Float64Array.from(ref.sampleWeight);

/** |a - b| <= tol * max(1, |b|). */
function expectClose(actual: number, expected: number, tol: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  if (!(err <= tol)) expect.fail(`${what}: got ${actual}, scikit-learn ${expected} (scaled error ${err.toExponential(2)})`);
}

// Tight stopping so the comparison measures the objective, not where each solver happened to stop.
const tight: Partial<Record<LinearAlgo, Partial<LinearParams>>> = {
  lasso: { tol: 1e-12, maxIter: 100000 },
  elasticnet: { tol: 1e-12, maxIter: 100000 },
  logistic: { tol: 1e-10, maxIter: 10000 },
};

describe('fitLinear matches scikit-learn 1.2.1', () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const y = Float64Array.from(ref.targets[c.task]);
      const fit = fitLinear(x, y, {
        algo: c.algo,
        task: c.task,
        params: { ...(c.params as Partial<LinearParams>), ...tight[c.algo] },
        ...(c.weighted ? { sampleWeight } : {}),
      });
      const k = c.coef.length;
      expect(fit.intercepts.length).toBe(k);
      expect(fit.converged).toBe(true);
      for (let o = 0; o < k; o++) {
        for (let j = 0; j < x.cols; j++) expectClose(fit.coefficients[j * k + o], c.coef[o][j], 1e-4, `${c.name} coef[${o}][${ref.names[j]}]`);
        expectClose(fit.intercepts[o], c.intercept[o], 1e-4, `${c.name} intercept[${o}]`);
      }
      // Exact zeros where scikit-learn has them (L1 penalties give sparse solutions).
      if (c.algo === 'lasso' || c.params.penalty === 'l1') {
        for (let o = 0; o < k; o++) for (let j = 0; j < x.cols; j++) if (c.coef[o][j] === 0) expect(fit.coefficients[j * k + o]).toBe(0);
      }
      if (c.probaHead) {
        const pred = createLinearPredictor(fit.state);
        const raw = pred.predictRaw(x);
        const out = pred.outputs;
        for (let i = 0; i < c.probaHead.length; i++) {
          const probs = toProbabilities(raw.subarray(i * out, (i + 1) * out), pred.link);
          for (let cls = 0; cls < probs.length; cls++) expectClose(probs[cls], c.probaHead[i][cls], 1e-5, `${c.name} proba row ${i} class ${cls}`);
        }
      }
    });
  }
});

function toProbabilities(raw: Float64Array, link: string): number[] {
  if (link === 'sigmoid') {
    const p = 1 / (1 + Math.exp(-raw[0]));
    return [1 - p, p];
  }
  const m = Math.max(...raw);
  const e = Array.from(raw, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
