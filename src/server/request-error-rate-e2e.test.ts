/**
 * Issue #12's operational errors over HTTP inside `kiln server`: an endpoint answers good requests, refuses bad
 * input (4xx) and fails where its model throws (5xx: a model that explodes on x > 1000, made by wrapping the
 * loaded model's `score`, so the failure happens where a real one would). Serving counts every outcome per
 * minute into `metadata.requestStats`; a monitor run with the operational check reports `error_rate` (5xx /
 * requests) and `client_error_rate` (4xx / requests) equal to what the test saw on the wire, an alert rule on
 * `error_rate` fires, the report charts the rates, and a window without traffic is `empty`, not a crash.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Frame } from '../core/frame.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { LoadedModel } from '../serving/loaded-model.js';
import { testBundles } from '../serving/serving-test-models.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp;
const ROW = { x: 0.5, z: -1, color: 'red', flag: true };

async function call(method: 'GET' | 'POST', url: string, body?: unknown) {
  return app.inject({ method, url, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }) });
}

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-error-rate-'));
  kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
  const file = join(home, 'model.json');
  await writeFile(file, (await testBundles()).binary);
  await kiln.registry.registerFromFile(file, { name: 'errs' });
  // The model throws on extreme inputs, as a model with a broken preprocessing step would.
  const score = LoadedModel.prototype.score;
  vi.spyOn(LoadedModel.prototype, 'score').mockImplementation(function (this: LoadedModel, frame: Frame) {
    const x = frame.tryColumn('x');
    if (x && 'values' in x && x.values instanceof Float64Array && x.values.some((v) => v > 1000)) throw new Error('model exploded on x > 1000');
    return score.call(this, frame);
  });
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
  expect((await call('POST', '/v1/endpoints', { name: 'errs', model: 'errs@1', settings: { captureSampleRate: 1 } })).statusCode).toBe(201);
  // Capture learns endpoint settings by polling (every 2 s).
  await new Promise((r) => setTimeout(r, 2500));
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await app?.close();
  await kiln?.close();
});

describe('operational error rates from serving counters', () => {
  it('reports error_rate and client_error_rate of real traffic, fires an alert on error_rate, and charts them', async () => {
    const seen = { answered: 0, client: 0, server: 0 };
    const predict = async (instances: unknown): Promise<number> => {
      const res = await call('POST', '/v1/endpoints/errs/predict', { instances });
      if (res.statusCode === 200) seen.answered++;
      else if (res.statusCode >= 500) seen.server++;
      else seen.client++;
      return res.statusCode;
    };
    // The router learns the endpoint on its next poll; until then the name is unknown (404, never counted).
    for (let i = 0; i < 100; i++) {
      const res = await call('POST', '/v1/endpoints/errs/predict', { instances: [ROW] });
      if (res.statusCode === 200) {
        seen.answered++;
        break;
      }
      expect(res.statusCode).toBe(404);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen.answered).toBe(1);
    for (let i = 0; i < 29; i++) expect(await predict([{ ...ROW, x: i / 10 - 1.5 }, ROW])).toBe(200);
    for (const bad of [[{ ...ROW, x: 'abc' }], [], [7], [{ z: 1, color: null, flag: 'maybe' }]]) expect(await predict(bad)).toBe(400);
    for (let i = 0; i < 6; i++) expect(await predict([ROW, { ...ROW, x: 5000 + i }])).toBe(500);
    expect(seen).toEqual({ answered: 30, client: 4, server: 6 });
    // Counters reach the store on the recorder's next flush (every 5 s).
    const totalIn = async (): Promise<number> => (await kiln.metadata.requestStats.window('errs', 0, Date.now() + 60_000)).reduce((n, b) => n + b.answered + b.clientErrors + b.serverErrors, 0);
    for (let i = 0; i < 100 && (await totalIn()) < 40; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await totalIn()).toBe(40);
    const captured = async (): Promise<number> => (await kiln.capture.readCapture({ endpoint: 'errs', from: 0, to: Date.now() + 1 })).rowCount;
    for (let i = 0; i < 150 && (await captured()) < 59; i++) await new Promise((r) => setTimeout(r, 100));

    expect((await call('POST', '/v1/monitors', { name: 'errs-ops', endpoint: 'errs', window: '10m', checks: ['operational'] })).statusCode).toBe(201);
    expect((await call('POST', '/v1/alerts/rules', { name: 'server-errors', monitor: 'errs-ops', rule: 'error_rate > 0.05', severity: 'critical' })).statusCode).toBe(201);
    expect((await call('POST', '/v1/alerts/rules', { name: 'caller-errors', monitor: 'errs-ops', rule: 'operational.client_error_rate > 0.5' })).statusCode).toBe(201);
    const run = (await call('POST', '/v1/monitors/errs-ops/run', { at: Date.now() + 1 })).json<{ status: string; points: { metric: string; value: number }[]; notes: string[] }>();
    expect(run.status).toBe('ok');
    const value = (m: string): number | undefined => run.points.find((p) => p.metric === m)?.value;
    expect(value('request_count')).toBe(40);
    expect(value('server_errors')).toBe(6);
    expect(value('client_errors')).toBe(4);
    expect(value('error_rate')).toBeCloseTo(6 / 40, 15);
    expect(value('client_error_rate')).toBeCloseTo(4 / 40, 15);
    // Answered requests carried 59 instances; capture indexes each as a prediction.
    expect(value('prediction_count')).toBe(59);
    expect(value('captured_rows')).toBe(59);
    expect(value('p99_ms')).toBeGreaterThan(0);
    expect(run.notes.join('\n')).toMatch(/40 requests counted by serving \(6 server errors, 4 client errors/);

    await kiln.alerts.idle();
    const alerts = (await call('GET', '/v1/alerts')).json<{ alerts: { rule: string; status: string }[] }>().alerts;
    expect(alerts.map((a) => a.rule)).toEqual(['server-errors']);

    const report = (await call('GET', '/v1/monitors/errs-ops/report')).json<{ series: { check: string; metric: string; points: { value: number }[] }[] }>();
    const series = report.series.filter((s) => s.check === 'operational').map((s) => s.metric);
    expect(series).toEqual(expect.arrayContaining(['error_rate', 'client_error_rate', 'request_count']));
    expect(report.series.find((s) => s.metric === 'error_rate')?.points.map((p) => p.value)).toEqual([6 / 40]);
    const html = await call('GET', '/v1/monitors/errs-ops/report.html');
    expect(html.body).toContain('error_rate');

    // A window with no traffic at all: no result, stated.
    const empty = (await call('POST', '/v1/monitors/errs-ops/run', { at: Date.now() - 3_600_000 })).json<{ status: string; points: unknown[]; notes: string[] }>();
    expect(empty.status).toBe('empty');
    expect(empty.points).toEqual([]);
    expect(empty.notes.join('\n')).toMatch(/held no captured rows; nothing was checked/);
  }, 120_000);

  it('a window where every request failed still reports error_rate (failed requests are never captured)', async () => {
    expect((await call('POST', '/v1/endpoints', { name: 'doomed', model: 'errs@1', settings: { captureSampleRate: 1 } })).statusCode).toBe(201);
    let failed = 0;
    for (let i = 0; i < 200 && failed < 10; i++) {
      const res = await call('POST', '/v1/endpoints/doomed/predict', { instances: [{ ...ROW, x: 9999 }] });
      if (res.statusCode === 404) await new Promise((r) => setTimeout(r, 100));
      else {
        expect(res.statusCode).toBe(500);
        failed++;
      }
    }
    expect(failed).toBe(10);
    const failedIn = async (): Promise<number> => (await kiln.metadata.requestStats.window('doomed', 0, Date.now() + 60_000)).reduce((n, b) => n + b.serverErrors, 0);
    for (let i = 0; i < 100 && (await failedIn()) < 10; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await failedIn()).toBe(10);
    expect((await call('POST', '/v1/monitors', { name: 'doomed-ops', endpoint: 'doomed', window: '10m', checks: ['drift', 'operational'] })).statusCode).toBe(201);
    const run = (await call('POST', '/v1/monitors/doomed-ops/run', { at: Date.now() + 1 })).json<{ status: string; points: { check: string; metric: string; value: number }[]; notes: string[] }>();
    expect(run.status).toBe('ok');
    expect(run.points.every((p) => p.check === 'operational')).toBe(true);
    const value = (m: string): number | undefined => run.points.find((p) => p.metric === m)?.value;
    expect([value('request_count'), value('server_errors'), value('error_rate'), value('captured_rows')]).toEqual([10, 10, 1, 0]);
    expect(run.notes.join('\n')).toMatch(/held no captured rows but serving counted requests: only the operational check ran/);
  }, 60_000);
});
