/**
 * Accuracy against XGBoost 1.7 (hist, lossguide, 31 leaves, eta 0.1, 255 bins; reference numbers from
 * test/fixtures/scripts/gbdt_reference.py) on real data with the split `row % 5 == 0 -> test`. XGBoost
 * sees one-hot categoricals; Kiln uses native categorical splits on the same columns.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { createGbdtPredictor } from '../../runtime/gbdt/gbdt-predictor.js';
import { auc } from './eval-metrics.js';
import { fitGbdt } from './fit-gbdt.js';
import type { GbdtParams } from './gbdt-params.js';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);
const REF = JSON.parse(readFileSync(new URL('gbdt-reference.json', FIXTURES), 'utf8')) as {
  rounds: Record<string, number>;
  datasets: Record<string, { auc?: number; rmse?: number }>;
};

interface Table {
  names: string[];
  cols: string[][];
}

/** Test-only CSV reader for the fixture files (no quoted fields in them). */
function readCsv(file: string): Table {
  const lines = readFileSync(new URL(file, FIXTURES), 'utf8').split('\n').filter((l) => l.length > 0);
  const names = lines[0].split(',').map((s) => s.trim());
  const cols = names.map(() => [] as string[]);
  for (let r = 1; r < lines.length; r++) {
    const parts = lines[r].split(',');
    for (let j = 0; j < names.length; j++) cols[j].push((parts[j] ?? '').trim());
  }
  return { names, cols };
}

/** Numeric columns as-is, other columns as sorted-dictionary codes; '' and '?' are missing. */
function toMatrix(t: Table, target: string, drop: string[], rows: (i: number) => boolean): { x: FeatureMatrix; y: string[] } {
  const keep = t.names.map((_, j) => j).filter((j) => t.names[j] !== target && !drop.includes(t.names[j]));
  const all = t.cols[0].length;
  const sel: number[] = [];
  for (let i = 0; i < all; i++) if (rows(i)) sel.push(i);
  const n = sel.length;
  const data = new Float64Array(n * keep.length);
  const cats = new Int32Array(keep.length);
  keep.forEach((j, c) => {
    const col = t.cols[j];
    const isMissing = (v: string): boolean => v === '' || v === '?';
    const numeric = col.every((v) => isMissing(v) || Number.isFinite(Number(v)));
    if (numeric) {
      sel.forEach((i, r) => (data[c * n + r] = isMissing(col[i]) ? NaN : Number(col[i])));
    } else {
      const dict = [...new Set(col.filter((v) => !isMissing(v)))].sort();
      const code = new Map(dict.map((v, k) => [v, k]));
      cats[c] = dict.length;
      sel.forEach((i, r) => (data[c * n + r] = isMissing(col[i]) ? NaN : (code.get(col[i]) as number)));
    }
  });
  const yCol = t.cols[t.names.indexOf(target)];
  return { x: { rows: n, cols: keep.length, data, names: keep.map((j) => t.names[j]), categoryCounts: cats }, y: sel.map((i) => yCol[i]) };
}

const isTest = (i: number): boolean => i % 5 === 0;
const isTrain = (i: number): boolean => i % 5 !== 0;
const BASE: Partial<GbdtParams> = { learningRate: 0.1, maxLeaves: 31, maxBins: 255, numThreads: 2, evalTrain: false };

async function binaryAuc(file: string, target: string, positive: string, drop: string[], rounds: number, quantizedGradients: boolean): Promise<number> {
  const t = readCsv(file);
  const tr = toMatrix(t, target, drop, isTrain);
  const te = toMatrix(t, target, drop, isTest);
  const y = Float64Array.from(tr.y, (v) => (v === positive ? 1 : 0));
  const res = await fitGbdt(tr.x, y, { params: { ...BASE, quantizedGradients, objective: 'binary', numTrees: rounds }, seed: 0 });
  return auc(createGbdtPredictor(res.state).predictRaw(te.x), Float64Array.from(te.y, (v) => (v === positive ? 1 : 0)));
}

// Both gradient modes: exact, and quantized (16 levels, seeded stochastic rounding, exact leaf values).
describe.each([false, true])('gbdt accuracy vs XGBoost 1.7 (quantizedGradients: %s)', (quantizedGradients) => {
  it('telco churn: AUC >= XGBoost - 0.005', async () => {
    const a = await binaryAuc('telco-churn.csv', 'Churn', 'Yes', ['customerID'], REF.rounds.telco_churn, quantizedGradients);
    console.log(`telco AUC (quantized ${quantizedGradients}) kiln ${a.toFixed(4)} xgboost ${REF.datasets.telco_churn.auc?.toFixed(4)}`);
    expect(a).toBeGreaterThanOrEqual((REF.datasets.telco_churn.auc as number) - 0.005);
  });

  it('adult: AUC >= XGBoost - 0.005', async () => {
    const a = await binaryAuc('adult.csv', 'Y', '>50K', [], REF.rounds.adult, quantizedGradients);
    console.log(`adult AUC (quantized ${quantizedGradients}) kiln ${a.toFixed(4)} xgboost ${REF.datasets.adult.auc?.toFixed(4)}`);
    expect(a).toBeGreaterThanOrEqual((REF.datasets.adult.auc as number) - 0.005);
  });

  it('california housing: RMSE <= 1.02 x XGBoost', async () => {
    const t = readCsv('california-housing.csv');
    const tr = toMatrix(t, 'median_house_value', [], isTrain);
    const te = toMatrix(t, 'median_house_value', [], isTest);
    const y = Float64Array.from(tr.y, Number);
    const res = await fitGbdt(tr.x, y, { params: { ...BASE, quantizedGradients, objective: 'regression', numTrees: REF.rounds.california_housing }, seed: 0 });
    const p = createGbdtPredictor(res.state).predictRaw(te.x);
    let s = 0;
    te.y.forEach((v, i) => (s += (p[i] - Number(v)) ** 2));
    const rmse = Math.sqrt(s / te.y.length);
    console.log(`california RMSE (quantized ${quantizedGradients}) kiln ${rmse.toFixed(1)} xgboost ${REF.datasets.california_housing.rmse?.toFixed(1)}`);
    expect(rmse).toBeLessThanOrEqual((REF.datasets.california_housing.rmse as number) * 1.02);
  });
});
