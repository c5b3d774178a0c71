/**
 * Benchmark (not a test): fitLinear on seeded synthetic data, 100k rows x 28 standardized features by
 * default. Run: `npx tsx bench/linear/fit-linear-bench.ts [rows] [cols] [dumpDir]`. With dumpDir it also
 * writes the data (x.f64 column-major, y_*.f64) so bench/linear/sklearn_anchor.py can time
 * scikit-learn on identical inputs, the anchor the ratios are reported against.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import type { FeatureMatrix } from '../../src/runtime/feature-matrix.js';
import { fitLinear } from '../../src/ml/linear/fit-linear.js';
import type { LinearFitOptions } from '../../src/ml/linear/fit-linear.js';

const rows = Number(process.argv[2] ?? 100_000);
const cols = Number(process.argv[3] ?? 28);
const dumpDir = process.argv[4];
const rng = new Rng(42);
const data = new Float64Array(rows * cols);
for (let i = 0; i < data.length; i++) data[i] = rng.normal();
const beta = Float64Array.from({ length: cols }, (_, j) => (j % 7 === 0 ? 0 : rng.normal() * 0.5));
const yReg = new Float64Array(rows);
const yBin = new Float64Array(rows);
const yMulti = new Float64Array(rows);
for (let i = 0; i < rows; i++) {
  let s = 0.3;
  for (let j = 0; j < cols; j++) s += data[j * rows + i] * beta[j];
  yReg[i] = s + rng.normal();
  yBin[i] = rng.next() < 1 / (1 + Math.exp(-s)) ? 1 : 0;
  const t = s + rng.normal();
  yMulti[i] = t < -0.7 ? 0 : t < 0.7 ? 1 : 2;
}
const x: FeatureMatrix = { rows, cols, data, names: Array.from({ length: cols }, (_, j) => `f${j}`), categoryCounts: new Int32Array(cols) };
if (dumpDir) {
  const dump = (name: string, a: Float64Array): void => writeFileSync(join(dumpDir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  dump('x.f64', data);
  dump('y_reg.f64', yReg);
  dump('y_bin.f64', yBin);
  dump('y_multi.f64', yMulti);
}

const cases: [string, LinearFitOptions, Float64Array][] = [
  ['linear (OLS)', { algo: 'linear', task: 'regression', params: {} }, yReg],
  ['ridge alpha=1', { algo: 'ridge', task: 'regression', params: { alpha: 1 } }, yReg],
  ['lasso alpha=0.01', { algo: 'lasso', task: 'regression', params: { alpha: 0.01 } }, yReg],
  ['elasticnet alpha=0.01', { algo: 'elasticnet', task: 'regression', params: { alpha: 0.01, l1Ratio: 0.5 } }, yReg],
  ['logistic binary l2', { algo: 'logistic', task: 'binary', params: {} }, yBin],
  ['logistic binary l1 C=0.01', { algo: 'logistic', task: 'binary', params: { penalty: 'l1', C: 0.01 } }, yBin],
  ['logistic multinomial l2', { algo: 'logistic', task: 'multiclass', params: {} }, yMulti],
];
console.log(`fitLinear, ${rows} x ${cols}, best of 3`);
for (const [name, opts, y] of cases) {
  let best = Infinity;
  let iterations = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const fit = fitLinear(x, y, opts);
    best = Math.min(best, performance.now() - t0);
    iterations = fit.iterations;
  }
  console.log(`${name.padEnd(28)} ${best.toFixed(1).padStart(8)} ms  (${iterations} iterations)`);
}
