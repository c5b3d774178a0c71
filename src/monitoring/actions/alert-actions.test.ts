/**
 * The automated actions end to end on a real (SQLite) Kiln with jobs running in-process: retrain submits a
 * `train` job on the newest dataset version with the served model's recipe and registers the result as
 * `challenger` (champion untouched); rollback moves the endpoint back to the previous version; the circuit
 * breaker makes the inference server answer with `fallback: true` (default answer, or the previous version
 * in a `fallback` variant). Every action is in the alert's history and the audit log.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import { SecretsAtRest } from '../../security/secrets-at-rest.js';
import { createApp } from '../../server/create-app.js';
import type { KilnApp } from '../../server/kiln-app.js';
import type { MonitorRunSummary } from '../monitor-run.js';
import { AlertService } from '../alerts/alert-service.js';

let kiln: Kiln;
let home: string;
let app: KilnApp | undefined;
let alerts: AlertService;
let seq = 0;

async function csv(name: string, n: number, shift: number): Promise<string> {
  const lines = ['id,x,color,label'];
  for (let i = 0; i < n; i++) {
    const x = ((i * 37) % 101) / 25 - 2 + shift;
    const color = ['red', 'green', 'blue'][i % 3];
    lines.push(`${name}-${i},${x},${color},${x + (color === 'red' ? 0.5 : 0) > 0 ? 'yes' : 'no'}`);
  }
  const path = join(home, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/** Train on a dataset version as a job and register the run as the next version of `churn`. */
async function trainAndRegister(dataset: string, seed: number): Promise<number> {
  const job = await kiln.jobs.submit({ kind: 'train', payload: { dataset, target: 'label', params: { numTrees: 4 }, seed, exclude: ['id'] } });
  const done = await kiln.jobs.wait(job.id);
  expect(done.status).toBe('succeeded');
  return (await kiln.registry.registerFromRun((done.result as { runId: string }).runId, { name: 'churn' })).version;
}

function breach(monitor: string, endpoint: string): MonitorRunSummary {
  return { project: 'default', monitor, endpoint, runId: `r${++seq}`, at: new Date().toISOString(), windowStart: '2026-01-01T00:00:00Z', windowEnd: '2026-01-01T01:00:00Z', status: 'ok', points: [{ check: 'quality', metric: 'auc', column: null, value: 0.6 }], notes: [] };
}

async function predict(endpoint: string, until: (body: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  if (!app) throw new Error('no app');
  let body: Record<string, unknown> = {};
  // The inference runtime sees endpoint changes on its next poll (every second).
  for (let i = 0; i < 60; i++) {
    const res = await app.inject({ method: 'POST', url: `/v1/endpoints/${endpoint}/predict`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ instances: [{ x: 1, color: 'red' }, { x: -1, color: 'blue' }] }) });
    body = res.json();
    if (res.statusCode === 200 && until(body)) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`endpoint ${endpoint} never answered as expected: ${JSON.stringify(body)}`);
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-alert-actions-'));
  kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
  await kiln.jobs.start({ concurrency: 1 });
  await kiln.datasets.register(await csv('v1.csv', 240, 0), 'churn-data');
  expect(await trainAndRegister('churn-data@1', 1)).toBe(1);
  expect(await trainAndRegister('churn-data@1', 2)).toBe(2);
  await kiln.registry.setAlias('churn@2', 'champion');
  // Served: churn@1 first, then re-pointed at churn@2 (the endpoint's history knows the previous version).
  await kiln.endpoints.create({ name: 'churn', model: 'churn@1' });
  await kiln.endpoints.update('churn', { model: 'churn@2' });
  await kiln.endpoints.create({ name: 'answers', model: 'churn@2' });
  await kiln.endpoints.create({ name: 'guarded', model: 'churn@2' });
  // New data arrives after the models were trained.
  await kiln.datasets.register(await csv('v2.csv', 260, 0.7), 'churn-data');
  alerts = new AlertService(
    { metadata: kiln.metadata, endpoints: kiln.endpoints, registry: kiln.registry, jobs: kiln.jobs, datasets: kiln.datasets, security: kiln.security },
    { channels: { outbound: {}, retry: { maxAttempts: 1, attemptTimeoutMs: 100, backoffMs: 1, maxBackoffMs: 1 }, smtp: null, secrets: new SecretsAtRest(null) }, retrainWait: { pollMs: 50 } },
  );
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

describe('retrain action', () => {
  it('trains on the newest data with the recipe, registers a challenger, promotes nothing', async () => {
    await alerts.createRule({ name: 'retrain-on-auc', monitor: 'quality', rule: 'auc < 0.75', actions: ['retrain'] });
    const [report] = await alerts.evaluateRun(breach('quality', 'churn'));
    expect(report.actions).toMatchObject([{ action: 'retrain', ok: true, summary: expect.stringMatching(/^retraining churn@2 on churn-data@2 as job /) }]);
    await alerts.idle();
    const challenger = await kiln.registry.resolveRecord('churn@challenger');
    expect(challenger).toMatchObject({ version: 3, parentVersion: 2, stage: 'none', status: 'pending', tags: { 'kiln.alert': report.alert, 'kiln.retrained_from': 'churn@2' } });
    expect(challenger.trainingDatasets[0]).toMatchObject({ name: 'churn-data', version: 2 });
    expect((await kiln.registry.resolveRecord('churn@champion')).version).toBe(2);
    const jobs = (await kiln.jobs.list({ kind: 'train' })).items;
    const job = jobs.find((j) => (j.payload as { dataset?: string }).dataset === 'churn-data@2');
    expect(job?.payload).toMatchObject({ dataset: 'churn-data@2', target: 'label', algo: 'gbdt', params: { numTrees: 4 }, seed: 2, exclude: ['id'], experiment: 'alerts' });
    // The challenger uses the same inputs as the model it retrains (the id column stayed out).
    const inputs = async (ref: string) => (await kiln.registry.loadBundle(ref)).signature.inputs.map((i) => i.name).sort();
    expect(await inputs('churn@3')).toEqual(await inputs('churn@2'));
    expect(job?.createdBy).toBe('alert:retrain-on-auc');
    const events = (await alerts.showAlert(report.alert as string)).events.filter((e) => e.kind === 'action');
    expect(events.map((e) => [e.detail.phase, e.detail.ok])).toEqual([
      ['started', true],
      ['finished', true],
    ]);
    expect(events[1].detail).toMatchObject({ challenger: 'churn@3', alias: 'challenger' });
    const audit = (await kiln.security.listAudit({ actor: 'alert:retrain-on-auc' })).items.map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['alert.action', 'model.register', 'model.alias.set']));
  }, 60_000);
});

describe('rollback action', () => {
  it('moves the endpoint back to the previous version, audited and in the alert history', async () => {
    await alerts.createRule({ name: 'rollback-on-auc', monitor: 'quality-rb', rule: 'auc < 0.75', actions: ['rollback'] });
    const [report] = await alerts.evaluateRun(breach('quality-rb', 'churn'));
    expect(report.actions).toMatchObject([{ action: 'rollback', ok: true, summary: expect.stringMatching(/rolled back from main=churn@2 to main=churn@1 \(found in endpoint history\)/) }]);
    expect((await kiln.endpoints.get('churn')).variants[0].model).toBe('churn@1');
    const audit = await kiln.security.listAudit({ resourceType: 'endpoints', resourceId: 'churn' });
    expect(audit.items[0]).toMatchObject({ action: 'endpoint.update', actor: 'alert:rollback-on-auc' });
    expect((await alerts.showAlert(report.alert as string)).events.find((e) => e.kind === 'action')?.detail).toMatchObject({ action: 'rollback', ok: true, source: 'endpoint history' });
    // Served: the inference server follows.
    expect(await predict('churn', (b) => typeof b.modelVersion === 'string' && b.modelVersion.includes('churn@1'))).toMatchObject({ variant: 'main' });
  }, 30_000);

  it('falls back to the registry for an endpoint without history, and says so when nothing is older', async () => {
    // `answers` was created on churn@2 and never changed: the registry gives churn@1.
    await alerts.createRule({ name: 'rb2', monitor: 'q2', rule: 'auc < 0.75', actions: ['rollback'] });
    const [r2] = await alerts.evaluateRun(breach('q2', 'answers'));
    expect(r2.actions[0]).toMatchObject({ ok: true, summary: expect.stringMatching(/found in registry/) });
    await kiln.endpoints.update('answers', { model: 'churn@2' });
    await kiln.endpoints.create({ name: 'first', model: 'churn@1' });
    await alerts.createRule({ name: 'rb3', monitor: 'q3', rule: 'auc < 0.75', actions: ['rollback'] });
    const [r3] = await alerts.evaluateRun(breach('q3', 'first'));
    expect(r3.actions[0]).toMatchObject({ ok: false, summary: expect.stringMatching(/no earlier model is known/) });
    await alerts.createRule({ name: 'rb4', monitor: 'q4', rule: 'auc < 0.75', actions: ['rollback'] });
    const [r4] = await alerts.evaluateRun(breach('q4', 'no-such-endpoint'));
    expect(r4.change).toBe('fired');
    expect(r4.actions[0]).toMatchObject({ ok: false, summary: expect.stringMatching(/rollback failed: endpoint "no-such-endpoint" not found/) });
  }, 30_000);
});

describe('circuit breaker action', () => {
  it('answers with the declared default and fallback: true', async () => {
    await alerts.createRule({ name: 'breaker', monitor: 'ops', rule: 'auc < 0.75', actions: ['circuit-breaker'], defaultAnswer: 'no' });
    const [report] = await alerts.evaluateRun(breach('ops', 'answers'));
    expect(report.actions).toMatchObject([{ action: 'circuit-breaker', ok: true, summary: 'circuit opened on variant main of endpoint answers; fallback: default answer' }]);
    expect((await kiln.endpoints.get('answers')).settings.circuitBreaker).toMatchObject({ open: ['main'], defaultAnswer: 'no', reason: expect.stringContaining(report.alert as string) });
    const body = await predict('answers', (b) => b.fallback === true);
    expect(body).toMatchObject({ predictions: ['no', 'no'], fallback: true });
    const audit = await kiln.security.listAudit({ resourceType: 'endpoints', resourceId: 'answers' });
    expect(audit.items[0]).toMatchObject({ action: 'endpoint.update', actor: 'alert:breaker' });
  }, 30_000);

  it('without a default answer, serves the previous version in a fallback variant; closing the circuit restores routing', async () => {
    await kiln.endpoints.update('guarded', { model: 'churn@1' });
    await kiln.endpoints.update('guarded', { model: 'churn@2' });
    await alerts.createRule({ name: 'breaker2', monitor: 'ops2', rule: 'auc < 0.75', actions: ['circuit-breaker:main'] });
    const [report] = await alerts.evaluateRun(breach('ops2', 'guarded'));
    expect(report.actions[0]).toMatchObject({ ok: true, summary: 'circuit opened on variant main of endpoint guarded; fallback: previous version' });
    const e = await kiln.endpoints.get('guarded');
    expect(e.variants.map((v) => [v.name, v.model])).toEqual([
      ['main', 'churn@2'],
      ['fallback', 'churn@1'],
    ]);
    for (let i = 0; i < 5; i++) {
      const body = await predict('guarded', (b) => b.fallback === true);
      expect(body).toMatchObject({ variant: 'fallback', fallback: true });
      expect(body.predictions).toHaveLength(2);
    }
    expect(e.settings.circuitBreaker).toMatchObject({ open: ['main'], defaultAnswer: null, addedVariant: 'fallback' });
    // Closing the circuit also removes the variant the breaker added.
    const closed = await kiln.endpoints.update('guarded', { settings: { circuitBreaker: null } });
    expect(closed.variants.map((v) => v.name)).toEqual(['main']);
    expect(closed.settings.circuitBreaker).toBeUndefined();
    const after = await predict('guarded', (b) => b.fallback === undefined);
    expect(after).toMatchObject({ variant: 'main' });
  }, 30_000);
});
