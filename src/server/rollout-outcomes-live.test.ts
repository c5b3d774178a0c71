/**
 * A/B outcomes from every labelled prediction, not the id sample: on a real server, an A/B rollout answers
 * far more predictions per second than the 64 per variant the metric rows sample; the prediction-id index
 * holds every prediction's variant, every one gets a label, and the analysis counts all of them (rates, and a mean outcome
 * whose exact mean and variance the test knows), while the sampled ids hold only a fraction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import type { RolloutFixture } from './rollout-test-support.js';
import { predict, rolloutFixture, startServer, testRow } from './rollout-test-support.js';
import type { RunningInferenceServer } from './start-inference-server.js';

let fx: RolloutFixture;
let server: RunningInferenceServer;

beforeAll(async () => {
  fx = await rolloutFixture();
  for (const name of ['conversions', 'revenue']) await fx.kiln.endpoints.create({ name, model: fx.a }, { allowFiles: true });
  server = await startServer(fx.kiln, 'outcomes-1');
}, 60_000);

afterAll(async () => {
  await server?.close();
  await fx?.kiln.close();
});

/** Send `requests` requests of `rows` rows; returns every prediction id with the variant that answered. */
async function traffic(endpoint: string, requests: number, rows: number, seed: number): Promise<{ id: string; variant: string }[]> {
  const rng = new Rng(seed);
  const out: { id: string; variant: string }[] = [];
  for (let i = 0; i < requests; i++) {
    const res = await predict(server.url, endpoint, { instances: Array.from({ length: rows }, () => testRow(rng)) });
    expect(res.status).toBe(200);
    for (const id of res.body.predictionIds ?? []) out.push({ id, variant: res.body.variant ?? '' });
  }
  return out;
}

/**
 * Wait until capture has indexed every id (with its variant): the feedback route accepts only indexed ids,
 * and the outcomes join labels with the index. The capture buffer flushes every few seconds.
 */
async function indexed(endpoint: string, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const known = await fx.kiln.metadata.captureSegments.knownPredictionIds(endpoint, ids);
    if (known.size === ids.length) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('prediction ids were never indexed');
}

describe('A/B outcomes from all labelled predictions', () => {
  it('counts every labelled conversion, far beyond the sampled ids', async () => {
    await fx.kiln.rollouts.start('conversions', { to: fx.b, strategy: 'ab', weights: [50, 50], bake: '1m', mde: 0.1 }, { allowFiles: true });
    // Wait for the server to see the rollout (it routes to the candidate from then on).
    await new Promise((r) => setTimeout(r, 300));
    const answered = await traffic('conversions', 40, 100, 1);
    expect(answered).toHaveLength(4000);
    // Ids are plain uuids: the variant lives in the prediction-id index, not in the id.
    expect(answered.every((p) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(p.id))).toBe(true);
    await indexed('conversions', answered.map((p) => p.id));
    const conversions = new Rng(2);
    const labels = answered.map((p) => ({ predictionId: p.id, labelJson: JSON.stringify(conversions.next() < (p.variant === 'candidate' ? 0.3 : 0.2)) }));
    for (let i = 0; i < labels.length; i += 1000) await fx.kiln.metadata.feedback.record('conversions', labels.slice(i, i + 1000), new Date().toISOString(), 'test');
    await server.rollouts?.routing.recorder.flush();
    const status = await fx.kiln.rollouts.status('conversions');
    expect(status.ab?.outcomes).toBe('all');
    const variants = status.ab?.analysis?.variants ?? [];
    const expected = (variant: string) => answered.filter((p) => p.variant === variant).length;
    expect(variants.map((v) => v.observations)).toEqual([expected('main'), expected('candidate')]);
    const successes = (variant: string) => labels.filter((l, i) => answered[i].variant === variant && l.labelJson === 'true').length;
    expect(variants[0].metric).toBeCloseTo(successes('main') / expected('main'), 12);
    expect(variants[1].metric).toBeCloseTo(successes('candidate') / expected('candidate'), 12);
    // The metric rows sampled at most 64 ids per variant per flush: a fraction of the 4000.
    const rows = await fx.kiln.metadata.rolloutMetrics.window('conversions', 0, Date.now() + 1000);
    const sampled = rows.reduce((n, r) => n + r.sample.length, 0);
    expect(sampled).toBeLessThan(answered.length / 2);
    expect(status.ab?.analysis?.comparisons[0].verdict).toBe('candidate better');
    await fx.kiln.rollouts.abort('conversions');
  }, 60_000);

  it('a numeric outcome is a mean over every label, exact against the labels sent', async () => {
    await fx.kiln.rollouts.start('revenue', { to: fx.b, strategy: 'ab', weights: [50, 50], bake: '1m', mde: 1 }, { allowFiles: true });
    await new Promise((r) => setTimeout(r, 300));
    const answered = await traffic('revenue', 20, 100, 3);
    await indexed('revenue', answered.map((p) => p.id));
    const rng = new Rng(4);
    const values = answered.map((p) => Math.round((p.variant === 'candidate' ? 12 : 10) * 100 + rng.normal() * 300) / 100);
    await fx.kiln.metadata.feedback.record('revenue', answered.map((p, i) => ({ predictionId: p.id, labelJson: JSON.stringify(values[i]) })), new Date().toISOString(), 'test');
    const report = await fx.kiln.rollouts.report('revenue');
    const analysis = report.ab.analysis;
    expect(analysis?.kind).toBe('mean');
    const of = (variant: string) => values.filter((_, i) => answered[i].variant === variant);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(analysis?.variants.map((v) => v.observations)).toEqual([of('main').length, of('candidate').length]);
    expect(analysis?.variants[0].metric).toBeCloseTo(mean(of('main')), 9);
    expect(analysis?.variants[1].metric).toBeCloseTo(mean(of('candidate')), 9);
    expect(analysis?.comparisons[0].verdict).toBe('candidate better');
    await fx.kiln.rollouts.abort('revenue');
  }, 60_000);
});
