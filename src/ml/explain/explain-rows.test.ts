import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import { Rng } from '../../core/rng.js';
import { readFrame } from '../../data/io/read-frame.js';
import { fixtureText, testRows } from '../interop/interop-fixtures.test-support.js';
import { importLightgbmText } from '../interop/lightgbm-import.js';
import { importXgboostJson } from '../interop/xgboost-import.js';
import { trainModel } from '../train/train-model.js';
import { explainRows } from './explain-rows.js';
import type { RowAttributions } from './explain-rows.js';

function maxAdditivityError(a: RowAttributions): number {
  const K = a.outputs.length;
  const C = a.columns.length;
  let worst = 0;
  for (let r = 0; r < a.rows * K; r++) {
    let sum = a.base[r % K];
    for (let c = 0; c < C; c++) sum += a.values[r * C + c];
    worst = Math.max(worst, Math.abs(sum - a.raw[r]));
  }
  return worst;
}

function synthetic(n: number, seed: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const x = rng.normal();
    const z = rng.normal();
    const color = ['red', 'green', 'blue', 'gray'][rng.int(4)];
    const signal = 1.5 * x - z + (color === 'red' ? 1 : color === 'green' ? -1 : 0);
    return { x, z: rng.next() < 0.05 ? null : z, color, noise: rng.next(), klass: signal < -1 ? 'low' : signal < 1 ? 'mid' : 'high', value: signal * 10 + rng.normal() };
  });
}

describe('explainRows', () => {
  it('telco churn (real data, one-hot and numeric columns): base + sum of attributions == raw log-odds to 1e-9 on every row', async () => {
    const frame = await readFrame(new URL('../../../test/fixtures/telco-churn.csv', import.meta.url).pathname);
    const trained = await trainModel(frame, { target: 'Churn', exclude: ['customerID'], kilnVersion: 'test', params: { numTrees: 40 }, numThreads: 1 });
    const a = explainRows(trained.bundle, frame);
    expect(a.rows).toBe(frame.rowCount);
    expect(a.covers).toBe('training');
    expect(a.columns).toEqual(trained.bundle.signature.inputs.map((i) => i.name));
    expect(a.outputs).toEqual(['raw']);
    expect(maxAdditivityError(a)).toBeLessThan(1e-9);
    // The contract's attributions are not trivially zero: tenure and Contract move churn.
    const mean = (col: string): number => {
      const c = a.columns.indexOf(col);
      let s = 0;
      for (let i = 0; i < a.rows; i++) s += Math.abs(a.values[i * a.columns.length + c]);
      return s / a.rows;
    };
    expect(mean('Contract')).toBeGreaterThan(0.05);
    expect(mean('tenure')).toBeGreaterThan(0.05);
  }, 120_000);

  it('multiclass and regression GBDT with native categorical splits and missing values: additivity per output', async () => {
    const frame = frameFromRecords(synthetic(1200, 5));
    for (const target of ['klass', 'value']) {
      const exclude = target === 'klass' ? ['value'] : ['klass'];
      const trained = await trainModel(frame, { target, exclude, kilnVersion: 'test', params: { numTrees: 25, maxCatToOnehot: 2 }, numThreads: 1 });
      const a = explainRows(trained.bundle, frame);
      expect(a.outputs.length).toBe(target === 'klass' ? 3 : 1);
      expect(maxAdditivityError(a)).toBeLessThan(1e-9);
    }
  }, 120_000);

  it('rows with unseen categories and missing values are explained as the model scores them', async () => {
    const frame = frameFromRecords(synthetic(800, 6));
    const trained = await trainModel(frame, { target: 'klass', exclude: ['value'], kilnVersion: 'test', params: { numTrees: 10 }, numThreads: 1 });
    const odd = frameFromRecords([
      { x: null, z: null, color: 'ultraviolet', noise: 0.5 },
      { x: 1, z: 2, color: null, noise: null },
    ]);
    const a = explainRows(trained.bundle, odd);
    expect(maxAdditivityError(a)).toBeLessThan(1e-9);
  }, 60_000);

  it('models imported from XGBoost and LightGBM (no recorded covers): covers counted from the rows, additivity holds', () => {
    const xgb = importXgboostJson(fixtureText('xgb-binary.json'));
    const a = explainRows(xgb, testRows());
    expect(a.covers).toBe('data');
    expect(maxAdditivityError(a)).toBeLessThan(1e-9);
    const lgb = importLightgbmText(fixtureText('lgb-multiclass.txt'));
    const b = explainRows(lgb, testRows());
    expect(b.outputs.length).toBeGreaterThan(2);
    expect(maxAdditivityError(b)).toBeLessThan(1e-9);
  });

  it('a linear model is refused with a pointer to KernelSHAP', async () => {
    const frame = frameFromRecords(synthetic(300, 7));
    const trained = await trainModel(frame, { target: 'value', algo: 'ridge', exclude: ['klass'], kilnVersion: 'test' });
    expect(() => explainRows(trained.bundle, frame)).toThrow(/KernelSHAP/);
  });
});
