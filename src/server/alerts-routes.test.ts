/**
 * `/v1/alerts` over fastify inject: rules created (secret shown once), listed and shown with it hidden,
 * malformed rules a 400 pointing at the position, alerts raised by a monitor run listed, shown with
 * their history and acknowledged (409 the second time), unknown ids 404, and the routes in OpenAPI.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp;

beforeAll(async () => {
  kiln = await openKiln({ home: await mkdtemp(join(tmpdir(), 'kiln-alert-routes-')), databaseUrl: undefined });
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

function call(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) {
  return app.inject({ method, url, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }) });
}

describe('/v1/alerts', () => {
  it('creates, lists, shows and deletes rules; the webhook secret is shown only once', async () => {
    const res = await call('POST', '/v1/alerts/rules', { name: 'drift', monitor: 'churn-drift', rule: 'drift_share > 0.3 for 2 runs', severity: 'critical', channels: ['webhook:https://93.184.215.14/hook'], cooldown: '2h' });
    expect(res.statusCode).toBe(201);
    const { rule, warnings } = res.json<{ rule: { channels: { secret: string; secretStorage: string }[]; cooldownSeconds: number; severity: string }; warnings: string[] }>();
    expect(rule.channels[0].secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rule).toMatchObject({ cooldownSeconds: 7200, severity: 'critical' });
    // No master key here: stored plain, said in the answer (the flag on the channel, a warning beside the rule).
    expect(rule.channels[0].secretStorage).toBe('plaintext');
    expect(warnings).toEqual([expect.stringMatching(/stored as plain text.*KILN_MASTER_KEY is not set/)]);
    const list = await call('GET', '/v1/alerts/rules');
    expect(list.json()).toMatchObject({ rules: [{ name: 'drift', channels: [{ kind: 'webhook', secret: '[hidden]', secretStorage: 'plaintext' }] }], next: null });
    expect((await call('GET', '/v1/alerts/rules/drift')).json()).toMatchObject({ rule: { name: 'drift', condition: 'drift_share > 0.3 for 2 runs' } });
    expect((await call('POST', '/v1/alerts/rules', { name: 'drift', monitor: 'm', rule: 'auc < 1' })).statusCode).toBe(409);
    expect((await call('POST', '/v1/alerts/rules', { name: 'tmp', monitor: 'm', rule: 'auc < 1' })).statusCode).toBe(201);
    expect((await call('DELETE', '/v1/alerts/rules/tmp')).json()).toEqual({ deleted: 'tmp' });
    expect((await call('DELETE', '/v1/alerts/rules/tmp')).statusCode).toBe(404);
    expect((await call('GET', '/v1/alerts/rules/nope')).statusCode).toBe(404);
    const events = await call('POST', '/v1/alerts/rules', { name: 'rollbacks', on: ['rollout.rolled_back'], endpoint: 'churn', channels: ['slack:https://93.184.215.14/slack'] });
    expect(events.statusCode).toBe(201);
    expect(events.json()).toMatchObject({ rule: { monitor: '@rollouts', events: ['rollout.rolled_back'], endpoint: 'churn', condition: 'on rollout.rolled_back of endpoint churn', cooldownSeconds: 0 } });
    expect((await call('GET', '/v1/alerts/rules/rollbacks')).json()).toMatchObject({ rule: { events: ['rollout.rolled_back'], endpoint: 'churn' } });
    const both = await call('POST', '/v1/alerts/rules', { name: 'both', on: 'rollout.breach', monitor: 'm', rule: 'auc < 1' });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ error: { details: { field: 'monitor' } } });
    expect((await call('POST', '/v1/alerts/rules', { name: 'bad', on: 'rollout.nope' })).statusCode).toBe(400);
  });

  it('answers malformed and hostile rules with a 400 naming the field and position', async () => {
    const bad = await call('POST', '/v1/alerts/rules', { name: 'x', monitor: 'm', rule: 'psi(age > 0.2' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'usage', details: { field: 'rule', position: 9 } } });
    expect((await call('POST', '/v1/alerts/rules', { name: 'x', monitor: 'm', rule: 'auc < 1', channels: ['webhook:http://169.254.169.254/'] })).json()).toMatchObject({ error: { code: 'usage', details: { field: 'channels[0]' } } });
    expect((await call('POST', '/v1/alerts/rules', { name: 'x', monitor: 'm', rule: 'auc < 1', extra: true })).statusCode).toBe(400);
    expect((await call('POST', '/v1/alerts/rules', { name: 'x', monitor: 'm', rule: 42 })).statusCode).toBe(400);
    expect((await call('POST', '/v1/alerts/rules', { name: 'x', monitor: 'm', rule: 'a'.repeat(5000) })).statusCode).toBe(400);
    expect((await call('GET', '/v1/alerts?status=maybe')).statusCode).toBe(400);
    expect((await call('GET', '/v1/alerts/rules?cursor=garbage')).statusCode).toBe(400);
  });

  it('lists, shows and acknowledges the alerts monitor runs raise', async () => {
    await call('POST', '/v1/alerts/rules', { name: 'auc-low', monitor: 'quality', rule: 'auc < 0.75' });
    const [report] = await kiln.alerts.evaluateRun({ project: 'default', monitor: 'quality', endpoint: 'churn', runId: 'r1', at: '2026-01-01T00:00:00Z', windowStart: '2026-01-01T00:00:00Z', windowEnd: '2026-01-01T01:00:00Z', status: 'ok', points: [{ check: 'quality', metric: 'auc', column: null, value: 0.7 }], notes: [] });
    expect(report.change).toBe('fired');
    const open = await call('GET', '/v1/alerts?status=open');
    expect(open.json()).toMatchObject({ alerts: [{ id: report.alert, rule: 'auc-low', value: 0.7, status: 'open', acknowledgedBy: null }] });
    expect((await call('GET', '/v1/alerts?rule=drift')).json()).toEqual({ alerts: [], next: null });
    const shown = await call('GET', `/v1/alerts/${report.alert}`);
    expect(shown.json()).toMatchObject({ alert: { id: report.alert }, events: [{ kind: 'fired', seq: 1, detail: { runId: 'r1', value: 0.7 } }] });
    const ack = await call('POST', `/v1/alerts/${report.alert}/ack`, { note: 'looking' });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ alert: { acknowledgedBy: expect.stringMatching(/.+/) } });
    expect((await call('POST', `/v1/alerts/${report.alert}/ack`, {})).statusCode).toBe(409);
    expect((await call('POST', '/v1/alerts/nope/ack', {})).statusCode).toBe(404);
    expect((await call('GET', '/v1/alerts/nope')).statusCode).toBe(404);
    // Another project sees none of it.
    await kiln.security.createProject('other', null, { actor: 'local:test', kind: 'local', grants: [], superuser: true });
    expect((await app.inject({ method: 'GET', url: '/v1/alerts', headers: { 'x-kiln-project': 'other' } })).json()).toEqual({ alerts: [], next: null });
  });

  it('documents every alert route in OpenAPI with its permission', async () => {
    const doc = (await call('GET', '/openapi.json')).json<{ paths: Record<string, Record<string, { 'x-kiln-permission'?: string }>> }>();
    expect(doc.paths['/v1/alerts/rules']?.post?.['x-kiln-permission']).toBe('monitors:write');
    expect(doc.paths['/v1/alerts']?.get?.['x-kiln-permission']).toBe('monitors:read');
    expect(doc.paths['/v1/alerts/{id}/ack']?.post?.['x-kiln-permission']).toBe('monitors:write');
    expect(doc.paths['/v1/alerts/rules/{name}']?.delete?.['x-kiln-permission']).toBe('monitors:write');
  });
});
