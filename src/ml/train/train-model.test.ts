import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import { Rng } from '../../core/rng.js';
import { createScorer } from '../../runtime/scorer.js';
import { trainModel } from './train-model.js';

function synthetic(n: number, seed: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const x = rng.normal();
    const z = rng.normal();
    const color = ['red', 'green', 'blue'][rng.int(3)];
    const signal = 1.5 * x - z + (color === 'red' ? 1 : color === 'green' ? -1 : 0);
    return {
      x,
      z: rng.next() < 0.05 ? null : z,
      color,
      noise: rng.next(),
      label: signal + 0.5 * rng.normal() > 0 ? 'pos' : 'neg',
      klass: signal < -1 ? 'low' : signal < 1 ? 'mid' : 'high',
      value: signal * 10 + rng.normal(),
      query: Math.floor(i / 10),
      relevance: Math.max(0, Math.min(3, Math.round(signal + 1.5))),
    };
  });
}

describe('trainModel', () => {
  const frame = frameFromRecords(synthetic(1500, 3));
  const common = { kilnVersion: 'test', exclude: ['klass', 'value', 'query', 'relevance', 'label'] };

  it('binary GBDT: strong metrics, runtime scores equal training-time scores, deterministic', async () => {
    const opts = { ...common, target: 'label', exclude: ['klass', 'value', 'query', 'relevance'] };
    const a = await trainModel(frame, opts);
    expect(a.task).toBe('binary');
    expect(a.metrics.roc_auc).toBeGreaterThan(0.9);
    expect(a.bundle.labels).toEqual(['neg', 'pos']);
    const scorer = createScorer(JSON.stringify(a.bundle));
    const scored = scorer.predict(frame);
    expect(scored.probability?.length).toBe(frame.rowCount);
    const one = scorer.predictRecords([frame.row(5)]);
    expect(one.probability?.[0]).toBeCloseTo(scored.probability?.[5] ?? NaN, 12);
    const b = await trainModel(frame, opts);
    expect(b.bundle.model).toEqual(a.bundle.model);
    expect(b.bundle.preprocessing).toEqual(a.bundle.preprocessing);
    const c = await trainModel(frame, { ...opts, seed: 7 });
    expect(c.bundle.model).not.toEqual(a.bundle.model);
  });

  it('multiclass and regression with GBDT and linear models, plus cross-validation', async () => {
    const multi = await trainModel(frame, { ...common, target: 'klass', exclude: ['label', 'value', 'query', 'relevance'] });
    expect(multi.task).toBe('multiclass');
    expect(multi.metrics.accuracy).toBeGreaterThan(0.75);
    const logit = await trainModel(frame, { ...common, target: 'klass', algo: 'logistic', exclude: ['label', 'value', 'query', 'relevance'], cv: 3 });
    expect(logit.cv?.folds).toHaveLength(3);
    expect(logit.metrics.accuracy).toBeGreaterThan(0.75);
    const reg = await trainModel(frame, { ...common, target: 'value', exclude: ['label', 'klass', 'query', 'relevance'] });
    expect(reg.task).toBe('regression');
    expect(reg.metrics.r2).toBeGreaterThan(0.9);
    const ridge = await trainModel(frame, { ...common, target: 'value', algo: 'ridge', exclude: ['label', 'klass', 'query', 'relevance'] });
    expect(ridge.metrics.r2).toBeGreaterThan(0.9);
  });

  it('ranking with query groups', async () => {
    const r = await trainModel(frame, { ...common, target: 'relevance', task: 'ranking', group: 'query', exclude: ['label', 'klass', 'value'] });
    expect(r.task).toBe('ranking');
    expect(r.metrics['ndcg@10']).toBeGreaterThan(0.8);
  });

  it('explains bad requests', async () => {
    await expect(trainModel(frame, { ...common, target: 'nope' })).rejects.toThrow(/target column "nope" not found/);
    await expect(trainModel(frame, { ...common, target: 'label', algo: 'ridge', exclude: [] })).rejects.toThrow(/does not support binary/);
    await expect(trainModel(frame, { ...common, target: 'label', params: { numTree: 3 }, exclude: [] })).rejects.toThrow(/numTree/);
    await expect(trainModel(frame, { ...common, target: 'relevance', task: 'ranking' })).rejects.toMatchObject({ details: { field: 'group' } });
    await expect(trainModel(frame.slice(0, 5), { ...common, target: 'label', exclude: [] })).rejects.toThrow(/at least 10 rows/);
  });
});
