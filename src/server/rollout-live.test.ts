/**
 * Rollouts on real listening servers sharing one store (two serving "processes" in this test process, each
 * with its own routing, metrics and controller), under bounded load, with a short real clock:
 * a broken canary rolls back by itself within its bake with no failed request on the old variant and an
 * audit entry naming the breach; a healthy canary promotes through every step; blue/green swaps with zero
 * errors; sticky A/B keys land on one variant across servers and restarts, with weights within tolerance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import type { RunningInferenceServer } from './start-inference-server.js';
import type { RolloutEvent } from '../serving/rollout/rollout-events.js';
import type { RolloutFixture } from './rollout-test-support.js';
import { breakModel, load, predict, rolloutFixture, startServer, testRow } from './rollout-test-support.js';

let fx: RolloutFixture;
let servers: RunningInferenceServer[] = [];
const events: RolloutEvent[] = [];

beforeAll(async () => {
  fx = await rolloutFixture();
  breakModel((await fx.kiln.servingModels.resolve(fx.broken, 'default')).key);
  fx.kiln.rollouts.onEvent((e) => events.push(e));
  for (const name of ['canary-bad', 'canary-good', 'bluegreen', 'sticky', 'shadowed', 'experiment', 'bandit', 'restart']) await fx.kiln.endpoints.create({ name, model: fx.a }, { allowFiles: true });
  servers = [await startServer(fx.kiln, 'server-1'), await startServer(fx.kiln, 'server-2')];
}, 60_000);

afterAll(async () => {
  for (const s of servers) await s.close();
  await fx?.kiln.close();
});

const urls = (): string[] => servers.map((s) => s.url);
const finished = (endpoint: string) => async (): Promise<boolean> => (await fx.kiln.rollouts.status(endpoint)).rollout.status !== 'running';

describe('rollouts under load on two servers', () => {
  it('a broken canary rolls back by itself within its bake: no failed request on the old variant, breach audited and emitted', async () => {
    const started = await fx.kiln.rollouts.start('canary-bad', { to: fx.broken, strategy: 'canary', steps: [30, 100], bake: '4s', guards: ['error_rate < 0.01', 'p99_ms < 1000'], minRequests: 10 }, { allowFiles: true });
    expect(started.rollout.status).toBe('running');
    const answers = await load(urls(), 'canary-bad', finished('canary-bad'), { maxMs: 15_000 });
    const view = await fx.kiln.rollouts.status('canary-bad');
    expect(view.rollout.status).toBe('rolled_back');
    expect(view.breach).toMatchObject({ metric: 'error_rate', variant: 'candidate', op: '<', threshold: 0.01 });
    expect(view.breach?.value).toBeGreaterThan(0.01);
    // Within the first step's bake: it never reached 100%.
    expect(view.step.index).toBe(0);
    // A 4 s bake leaves room for the 10 candidate requests the guard waits for on a loaded CI box.
    expect(Date.parse(view.breach?.at ?? '') - Date.parse(started.step.startedAt)).toBeLessThan(4000 + 500);
    // Every failure was the candidate's: the old variant answered everything it got.
    expect(answers.filter((a) => a.variant === 'main').length).toBeGreaterThan(20);
    expect(answers.every((a) => a.status === 200 || a.status === 500)).toBe(true);
    const rows = await fx.kiln.metadata.rolloutMetrics.window('canary-bad', 0, Date.now() + 1000);
    expect(rows.filter((r) => r.variant === 'main').reduce((s, r) => s + r.errors, 0)).toBe(0);
    expect(rows.filter((r) => r.variant === 'candidate').reduce((s, r) => s + r.errors, 0)).toBeGreaterThan(0);
    // Traffic is back on the old version everywhere.
    expect((await fx.kiln.endpoints.get('canary-bad')).variants).toEqual([{ name: 'main', model: fx.a, weight: 1 }]);
    const audit = await fx.kiln.security.listAudit({ resourceType: 'endpoints', resourceId: 'canary-bad' });
    const rollback = audit.items.find((e) => e.action === 'rollout.rollback');
    expect(rollback?.actor).toMatch(/^system:rollout:server-[12]$/);
    expect(JSON.stringify(rollback?.after)).toContain('"metric":"error_rate"');
    expect(events.some((e) => e.type === 'rollout.breach' && e.endpoint === 'canary-bad')).toBe(true);
    expect(events.some((e) => e.type === 'rollout.rolled_back' && e.endpoint === 'canary-bad')).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const after = await load(urls(), 'canary-bad', async () => false, { maxMs: 300 });
    expect(after.every((a) => a.status === 200 && a.variant === 'main')).toBe(true);
  }, 30_000);

  it('a healthy canary promotes through every step with zero errors', async () => {
    await fx.kiln.rollouts.start('canary-good', { to: fx.b, strategy: 'canary', steps: [20, 50, 100], bake: '1s', guards: ['error_rate < 0.01', 'p99_ms < 5000', 'psi < 2'], minRequests: 5 }, { allowFiles: true });
    const answers = await load(urls(), 'canary-good', finished('canary-good'), { maxMs: 20_000 });
    const view = await fx.kiln.rollouts.status('canary-good');
    expect(view.breach).toBeNull();
    expect(view.rollout.status).toBe('promoted');
    expect(view.events.filter((e) => e.kind === 'step').map((e) => e.message)).toEqual(['step 2/3: 50% to candidate', 'step 3/3: 100% to candidate']);
    expect(answers.length).toBeGreaterThan(50);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.some((a) => a.variant === 'candidate')).toBe(true);
    expect((await fx.kiln.endpoints.get('canary-good')).variants).toEqual([{ name: 'main', model: fx.b, weight: 1 }]);
    expect(events.some((e) => e.type === 'rollout.promoted' && e.endpoint === 'canary-good')).toBe(true);
  }, 40_000);

  it('blue/green moves all traffic at once under load with zero errors, the old version on standby during the bake', async () => {
    await fx.kiln.rollouts.start('bluegreen', { to: fx.b, strategy: 'blue-green', bake: '1500ms', guards: ['error_rate < 0.01'] }, { allowFiles: true });
    const during = (await fx.kiln.endpoints.get('bluegreen')).variants;
    expect(during).toEqual([{ name: 'main', model: fx.a, weight: 0 }, { name: 'candidate', model: fx.b, weight: 100 }]);
    const answers = await load(urls(), 'bluegreen', finished('bluegreen'), { maxMs: 20_000 });
    expect((await fx.kiln.rollouts.status('bluegreen')).rollout.status).toBe('promoted');
    expect(answers.length).toBeGreaterThan(50);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.some((a) => a.variant === 'candidate')).toBe(true);
  }, 40_000);

  it('sticky A/B: one key, one variant, on every server and after a restart; weights within tolerance; missing keys counted', async () => {
    await fx.kiln.rollouts.start('sticky', { to: fx.b, strategy: 'ab', weights: [30, 70], stickyKey: 'user_id', bake: '1h' }, { allowFiles: true });
    // Wait until both servers route the split and know the rollout.
    const rng = new Rng(11);
    for (let i = 0; i < 100; i++) {
      const seen = await Promise.all(urls().map((u) => predict(u, 'sticky', { instances: [testRow(rng, { user_id: 'probe' })] })));
      if (seen.every((s) => servers.every((sv) => sv.rollouts?.routing.rolloutOf('default', 'sticky')) && s.status === 200)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    const keys = Array.from({ length: 400 }, (_, i) => `user-${i}`);
    const first = new Map<string, string>();
    for (let i = 0; i < keys.length; i += 20) {
      await Promise.all(
        keys.slice(i, i + 20).map(async (key) => {
          const [one, two] = await Promise.all(urls().map((u) => predict(u, 'sticky', { instances: [testRow(rng, { user_id: key })] })));
          expect(one.body.variant).toBe(two.body.variant);
          first.set(key, one.body.variant as string);
        }),
      );
    }
    const share = [...first.values()].filter((v) => v === 'candidate').length / keys.length;
    // Binomial sd at n=400, p=0.7 is 0.023: 4 sd.
    expect(Math.abs(share - 0.7)).toBeLessThan(0.092);
    // A restart (a new server process on the same store) keeps every assignment.
    await servers[1].close();
    servers[1] = await startServer(fx.kiln, 'server-3');
    for (const key of keys.slice(0, 100)) {
      const res = await predict(servers[1].url, 'sticky', { instances: [testRow(rng, { user_id: key })] });
      expect(res.body.variant).toBe(first.get(key));
    }
    // Missing key: answered (random variant), counted.
    for (let i = 0; i < 5; i++) expect((await predict(servers[0].url, 'sticky', { instances: [testRow(rng)] })).status).toBe(200);
    await servers[0].rollouts?.routing.recorder.flush();
    const view = await fx.kiln.rollouts.status('sticky');
    expect(view.rollout.status).toBe('running');
    expect(view.live?.variants.reduce((s, v) => s + v.missingKeys, 0)).toBeGreaterThanOrEqual(5);
    // A header key works the same way.
    const byHeader = await predict(servers[0].url, 'sticky', { instances: [testRow(rng)] }, { 'x-user-id': 'user-1' });
    expect(byHeader.status).toBe(200);
    await fx.kiln.rollouts.abort('sticky');
    expect((await fx.kiln.endpoints.get('sticky')).variants).toEqual([{ name: 'main', model: fx.a, weight: 1 }]);
  }, 60_000);

  it('shadow: a broken candidate never changes a live answer; its failures are counted and roll it back', async () => {
    await fx.kiln.rollouts.start('shadowed', { to: fx.broken, strategy: 'shadow', bake: '1h', guards: ['error_rate < 0.05'], minRequests: 10 }, { allowFiles: true });
    const answers = await load(urls(), 'shadowed', finished('shadowed'), { maxMs: 15_000 });
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.every((a) => a.status === 200 && a.variant === 'main')).toBe(true);
    const view = await fx.kiln.rollouts.status('shadowed');
    expect(view.rollout.status).toBe('rolled_back');
    expect(view.breach).toMatchObject({ metric: 'error_rate', variant: 'candidate' });
    const rows = await fx.kiln.metadata.rolloutMetrics.window('shadowed', 0, Date.now() + 1000);
    const shadow = rows.filter((r) => r.shadow);
    expect(shadow.reduce((n, r) => n + r.requests, 0)).toBeGreaterThan(0);
    expect(shadow.reduce((n, r) => n + r.errors, 0)).toBeGreaterThan(0);
    expect(rows.filter((r) => !r.shadow && r.variant === 'candidate')).toEqual([]);
    expect(servers.reduce((n, s) => n + (s.rollouts?.routing.shadowScored ?? 0), 0)).toBeGreaterThan(0);
    // The report compares the shadow with the live variant: a regressor never agrees with a classifier's labels.
    const report = await fx.kiln.rollouts.report('shadowed');
    const shadowSeries = report.series.find((x) => x.shadow);
    expect(shadowSeries?.total.agreementRate).toBe(0);
    expect(shadowSeries?.total.psi).toBeGreaterThan(1);
  }, 30_000);

  it('A/B with feedback: the analysis names the better variant; a bandit moves traffic towards it', async () => {
    await fx.kiln.rollouts.start('experiment', { to: fx.b, strategy: 'ab', weights: [50, 50], bake: '400ms', mde: 0.2 }, { allowFiles: true });
    await fx.kiln.rollouts.start('bandit', { to: fx.b, strategy: 'bandit', bake: '400ms', mde: 0.2 }, { allowFiles: true });
    await new Promise((r) => setTimeout(r, 400));
    const rng = new Rng(5);
    const conversions = new Rng(6);
    // Conversions: 20% on the old version, 60% on the new one (a large, known effect).
    const record = async (endpoint: string): Promise<void> => {
      const labels: { predictionId: string; labelJson: string }[] = [];
      for (let i = 0; i < 300; i++) {
        const res = await predict(urls()[i % 2], endpoint, { instances: [testRow(rng)] });
        expect(res.status).toBe(200);
        const p = res.body.variant === 'candidate' ? 0.6 : 0.2;
        for (const id of res.body.predictionIds ?? []) labels.push({ predictionId: id, labelJson: JSON.stringify(conversions.next() < p) });
      }
      await fx.kiln.metadata.feedback.record(endpoint, labels, new Date().toISOString(), 'test');
    };
    await record('experiment');
    await record('bandit');
    for (const s of servers) await s.rollouts?.routing.recorder.flush();
    const status = await fx.kiln.rollouts.status('experiment');
    const comparison = status.ab?.analysis?.comparisons[0];
    expect(status.ab?.analysis?.kind).toBe('rate');
    expect(comparison?.variant).toBe('candidate');
    expect(comparison?.difference).toBeGreaterThan(0.2);
    expect(comparison?.verdict).toBe('candidate better');
    let bandit = await fx.kiln.rollouts.status('bandit');
    for (let i = 0; i < 50 && (bandit.rollout.status !== 'running' || bandit.step.percent <= 50); i++) {
      await new Promise((r) => setTimeout(r, 100));
      bandit = await fx.kiln.rollouts.status('bandit');
    }
    expect(bandit.step.percent).toBeGreaterThan(90);
    expect((await fx.kiln.endpoints.get('bandit')).variants.map((v) => v.weight)).toEqual([100 - bandit.step.percent, bandit.step.percent]);
    const report = await fx.kiln.rollouts.report('experiment');
    expect(report.ab.analysis?.comparisons[0].verdict).toBe('candidate better');
    await fx.kiln.rollouts.abort('experiment');
    await fx.kiln.rollouts.promote('bandit');
  }, 30_000);

  it('survives a restart of every server: the new processes continue from the stored step and promote', async () => {
    await fx.kiln.rollouts.start('restart', { to: fx.b, strategy: 'linear', steps: [50, 100], bake: '1s' }, { allowFiles: true });
    for (const s of servers) await s.close();
    servers = [];
    await new Promise((r) => setTimeout(r, 1200));
    expect((await fx.kiln.rollouts.status('restart')).step.index).toBe(0);
    servers = [await startServer(fx.kiln, 'server-4'), await startServer(fx.kiln, 'server-5')];
    for (let i = 0; i < 100 && (await fx.kiln.rollouts.status('restart')).rollout.status === 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    const view = await fx.kiln.rollouts.status('restart');
    expect(view.rollout.status).toBe('promoted');
    expect(view.events.map((e) => e.kind)).toEqual(['started', 'step', 'promoted']);
    const audit = await fx.kiln.security.listAudit({ resourceType: 'endpoints', resourceId: 'restart' });
    expect(audit.items.filter((e) => e.action === 'rollout.promote').map((e) => e.actor)[0]).toMatch(/^system:rollout:server-[45]$/);
  }, 30_000);
});
