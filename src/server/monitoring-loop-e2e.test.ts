/**
 * Issue #12's whole loop over HTTP inside `kiln server`: an endpoint on a registered model (re-pointed from
 * version 1 to 2, so it has a previous version) answers normal traffic whose labels arrive, then traffic that
 * drifts (Telco churn rows pushed to month-to-month fibre customers with longer tenure, a third of the later
 * labels contradicting the inputs). A monitor run sees the data drift and an estimated accuracy drop (CBPE)
 * before any label of the drifted window exists; a signed webhook hears the drift alert; once the labels
 * arrive the next run sees the real accuracy drop, the quality alert fires and its rollback action puts the
 * endpoint back on version 1; the HTML and JSON reports show the alerts and the action on the timeline.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { verifyWebhookSignature } from '../monitoring/alerts/channels/webhook-signature.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/telco-churn.csv', import.meta.url));
const COLUMNS = ['SeniorCitizen', 'tenure', 'Contract', 'InternetService', 'PaymentMethod', 'MonthlyCharges', 'Churn'];
const SECRET = 'loop-secret-of-a-decent-length';

type Row = Record<string, string>;
let kiln: Kiln;
let app: KilnApp;
let hook: Server;
let hookUrl = '';
const received: { event: string; rule: string; signed: boolean }[] = [];
let rows: Row[] = [];
const savedEnv = process.env.KILN_OUTBOUND_ALLOW_PRIVATE;

function instance(r: Row, drifted: boolean): Record<string, unknown> {
  const x = { SeniorCitizen: Number(r.SeniorCitizen), tenure: Number(r.tenure), Contract: r.Contract, InternetService: r.InternetService, PaymentMethod: r.PaymentMethod, MonthlyCharges: Number(r.MonthlyCharges) };
  return drifted ? { ...x, Contract: 'Month-to-month', InternetService: 'Fiber optic', tenure: x.tenure + 20 } : x;
}

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) {
  return app.inject({ method, url, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }) });
}

/** Predict `batch` rows at a time; returns the prediction ids and predicted labels in order. */
async function serve(instances: Record<string, unknown>[]): Promise<{ ids: string[]; predictions: unknown[] }> {
  const ids: string[] = [];
  const predictions: unknown[] = [];
  for (let s = 0; s < instances.length; s += 100) {
    const res = await call('POST', '/v1/endpoints/churn/predict', { instances: instances.slice(s, s + 100) });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ predictionIds: string[]; predictions: unknown[] }>();
    ids.push(...body.predictionIds);
    predictions.push(...body.predictions);
  }
  return { ids, predictions };
}

/** Post labels, retrying until the capture buffer has indexed every id (it flushes every few seconds). */
async function label(feedback: { predictionId: string; label: string }[]): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const res = await call('POST', '/v1/endpoints/churn/feedback', { feedback });
    expect(res.statusCode).toBe(200);
    if (res.json<{ unknown: unknown[] }>().unknown.length === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('captured prediction ids were never indexed');
}

beforeAll(async () => {
  // The webhook receiver listens on loopback, which the outbound-URL guard refuses unless told otherwise.
  process.env.KILN_OUTBOUND_ALLOW_PRIVATE = '1';
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { event?: string; rule?: string; alert?: { rule?: string } };
      received.push({ event: String(parsed.event ?? ''), rule: String(parsed.rule ?? parsed.alert?.rule ?? ''), signed: verifyWebhookSignature(SECRET, req.headers['x-kiln-timestamp'] as string | undefined, body, req.headers['x-kiln-signature'] as string | undefined) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;

  const home = await mkdtemp(join(tmpdir(), 'kiln-monitoring-loop-'));
  kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
  const [header, ...lines] = (await readFile(FIXTURE, 'utf8')).trim().split('\n');
  const names = header.split(',');
  rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
  const train = join(home, 'train.csv');
  await writeFile(train, `${COLUMNS.join(',')}\n${rows.slice(0, 3000).map((r) => COLUMNS.map((c) => r[c]).join(',')).join('\n')}\n`);
  for (const [trees, file] of [[20, 'v1.json'], [30, 'v2.json']] as const) {
    await kiln.training.train({ data: { file: train }, target: 'Churn', params: { numTrees: trees }, seed: 1, out: join(home, file) });
    await kiln.registry.registerFromFile(join(home, file), { name: 'churn' });
  }
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
  expect((await call('POST', '/v1/endpoints', { name: 'churn', model: 'churn@1', settings: { captureSampleRate: 1 } })).statusCode).toBe(201);
  expect((await call('PATCH', '/v1/endpoints/churn', { model: 'churn@2' })).statusCode).toBe(200);
  // Capture learns endpoint settings by polling (every 2 s) and the router sees the new version on its poll.
  await new Promise((r) => setTimeout(r, 2500));
}, 180_000);

afterAll(async () => {
  await app?.close();
  await kiln?.close();
  await new Promise((r) => hook?.close(r));
  if (savedEnv === undefined) delete process.env.KILN_OUTBOUND_ALLOW_PRIVATE;
  else process.env.KILN_OUTBOUND_ALLOW_PRIVATE = savedEnv;
});

describe('monitoring loop in kiln server', () => {
  it('detects drift and the estimated then real quality drop, alerts a webhook, rolls back, and reports it all', async () => {
    // Normal traffic whose labels arrive: what CBPE calibrates on.
    const normalRows = rows.slice(3000, 3600);
    const normal = await serve(normalRows.map((r) => instance(r, false)));
    await label(normal.ids.map((id, i) => ({ predictionId: id, label: normalRows[i].Churn })));
    const normalAccuracy = normal.predictions.filter((p, i) => p === normalRows[i].Churn).length / normalRows.length;
    const normalEnd = Date.now();
    // The monitor's 5 s window must hold only the drifted traffic.
    await new Promise((r) => setTimeout(r, Math.max(0, normalEnd + 5100 - Date.now())));
    const driftRows = rows.slice(3600, 4400);
    const drifted = await serve(driftRows.map((r) => instance(r, true)));
    const at = Date.now() + 1;
    expect(at - 5000).toBeGreaterThan(normalEnd);
    // The capture buffer writes segments every few seconds: wait until the window holds every drifted row.
    for (let i = 0; i < 150 && (await kiln.capture.readCapture({ endpoint: 'churn', from: at - 5000, to: at })).rowCount < driftRows.length; i++) await new Promise((r) => setTimeout(r, 200));

    expect((await call('POST', '/v1/monitors', { name: 'churn-health', endpoint: 'churn', window: '5s', checks: ['drift', 'quality', 'estimate'] })).statusCode).toBe(201);
    const rule = (name: string, condition: string, actions: string[]) => call('POST', '/v1/alerts/rules', { name, monitor: 'churn-health', rule: condition, severity: 'critical', channels: [`webhook:${hookUrl}`], webhookSecret: SECRET, actions });
    expect((await rule('drift', 'drift_share > 0.3', [])).statusCode).toBe(201);
    expect((await rule('accuracy-drop', 'accuracy < 0.7', ['rollback'])).statusCode).toBe(201);

    // Before any label of the window: drift, and an estimated drop.
    const first = (await call('POST', '/v1/monitors/churn-health/run', { at })).json<{ status: string; points: { check: string; metric: string; column: string | null; value: number; drifted?: boolean }[] }>();
    expect(first.status).toBe('ok');
    const point = (metric: string, column: string | null = null) => first.points.find((p) => p.metric === metric && p.column === column);
    expect(point('drift_share')?.value).toBeGreaterThan(0.3);
    expect(first.points.filter((p) => p.check === 'drift' && p.drifted).map((p) => p.column)).toEqual(expect.arrayContaining(['Contract', 'InternetService']));
    expect(first.points.some((p) => p.check === 'quality' && p.metric === 'accuracy')).toBe(false);
    const estimated = point('estimated_accuracy')?.value ?? Number.NaN;
    expect(estimated).toBeLessThan(normalAccuracy - 0.03);
    await kiln.alerts.idle();
    expect(received.filter((r) => r.rule === 'drift')).not.toHaveLength(0);
    expect(received.every((r) => r.signed)).toBe(true);

    // The labels arrive, a third of them contradicting the inputs.
    const rng = new Rng(5);
    await label(drifted.ids.map((id, i) => ({ predictionId: id, label: rng.next() < 1 / 3 ? (driftRows[i].Churn === 'Yes' ? 'No' : 'Yes') : driftRows[i].Churn })));
    const second = (await call('POST', '/v1/monitors/churn-health/run', { at })).json<{ points: { check: string; metric: string; value: number }[] }>();
    expect(second.points.find((p) => p.check === 'quality' && p.metric === 'accuracy')?.value).toBeLessThan(0.7);
    await kiln.alerts.idle();
    expect(received.some((r) => r.rule === 'accuracy-drop')).toBe(true);
    expect((await call('GET', '/v1/endpoints/churn')).json<{ variants: { model: string }[] }>().variants[0].model).toBe('churn@1');

    // Everything on the report.
    const report = (await call('GET', '/v1/monitors/churn-health/report')).json<{ runs: { total: number }; timeline: { kind: string; title: string }[]; histograms: { column: string }[]; series: { metric: string }[] }>();
    expect(report.runs.total).toBe(2);
    expect(report.timeline.filter((e) => e.kind === 'alert').map((e) => e.title)).toEqual(expect.arrayContaining([expect.stringContaining('drift'), expect.stringContaining('accuracy-drop')]));
    expect(report.timeline.find((e) => e.kind === 'action')?.title).toMatch(/^rollback/);
    expect(report.histograms.map((h) => h.column)).toEqual(expect.arrayContaining(['Contract', 'tenure']));
    expect(report.series.map((s) => s.metric)).toEqual(expect.arrayContaining(['drift_share', 'accuracy', 'estimated_accuracy']));
    const html = await call('GET', '/v1/monitors/churn-health/report.html');
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body).toContain('<svg');
    expect(html.body).toContain('accuracy-drop');
    expect(html.body).toMatch(/rollback/);
    expect(html.body).not.toMatch(/<script[^>]+src=|https?:\/\/cdn/);
  }, 180_000);
});
