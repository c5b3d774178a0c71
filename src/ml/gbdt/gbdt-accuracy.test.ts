/**
 * Accuracy against XGBoost 1.7 (hist, lossguide, 31 leaves, eta 0.1, 255 bins; reference numbers from
 * test/fixtures/scripts/gbdt_reference.py) on real data with the split `row % 5 == 0 -> test`. XGBoost
 * sees one-hot categoricals; Kiln uses native categorical splits on the same columns.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGbdtPredictor } from '../../runtime/gbdt/gbdt-predictor.js';
import { auc } from './eval-metrics.js';
import { fitGbdt } from './fit-gbdt.js';
import type { GbdtParams } from './gbdt-params.js';
import { readFixtureCsv as readCsv, fixtureMatrix as toMatrix } from '../../../test/fixtures/fixture-matrix.js';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);
const REF = JSON.parse(readFileSync(new URL('gbdt-reference.json', FIXTURES), 'utf8')) as {
  rounds: Record<string, number>;
  datasets: Record<string, { auc?: number; rmse?: number }>;
};

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
