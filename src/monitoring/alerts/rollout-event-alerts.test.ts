/**
 * Alert rules over rollout events on a real (SQLite) Kiln with an in-test webhook receiver: rules checked
 * (bad input names the field), a breach fires one signed webhook naming metric, value and threshold, the
 * rollback of the same rollout is de-duplicated, other endpoints and other events are ignored, the
 * cooldown suppresses, and the history records it all.
 */
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import { SecretsAtRest } from '../../security/secrets-at-rest.js';
import type { RolloutEvent } from '../../serving/rollout/rollout-events.js';
import { AlertService } from './alert-service.js';
import { verifyWebhookSignature } from './channels/webhook-signature.js';

let kiln: Kiln;
let server: Server;
let hook = '';
let alerts: AlertService;
let clock = Date.parse('2026-03-01T00:00:00.000Z');
const bodies: { path: string; body: string; headers: Record<string, unknown> }[] = [];
const SECRET = 'rollout-alerts-secret-0123456789';

const breach = { guard: 'p99_ms < 50', metric: 'p99_ms', variant: 'candidate', value: 75, threshold: 50, op: '<', windowStart: 1_000, windowEnd: 31_000, requests: 120, at: '2026-03-01T00:00:31.000Z' };

function event(type: RolloutEvent['type'], rolloutId: string, endpoint = 'churn', details: Record<string, unknown> = {}): RolloutEvent {
  return { type, project: 'default', endpoint, rolloutId, strategy: 'canary', at: new Date(clock).toISOString(), message: `${type} of ${rolloutId}`, details };
}

beforeAll(async () => {
  kiln = await openKiln({ home: await mkdtemp(join(tmpdir(), 'kiln-rollout-alerts-')), databaseUrl: undefined });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      bodies.push({ path: req.url ?? '', body, headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  alerts = new AlertService(
    { metadata: kiln.metadata, endpoints: kiln.endpoints, registry: kiln.registry, jobs: kiln.jobs, datasets: kiln.datasets, security: kiln.security },
    { channels: { outbound: { allowHosts: ['127.0.0.1'] }, retry: { maxAttempts: 2, attemptTimeoutMs: 500, backoffMs: 10, maxBackoffMs: 10 }, smtp: null, secrets: new SecretsAtRest(null) }, now: () => new Date(clock) },
  );
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await kiln?.close();
});

describe('alert rules over rollout events', () => {
  it('checks the rule: known events, not both a monitor and events, no actions; bad input names the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', on: 'rollout.exploded' }, 'on'],
      [{ name: 'x', on: 'rollout.breach,rollout.breach' }, 'on'],
      [{ name: 'x', on: [] }, 'on'],
      [{ name: 'x', on: 42 }, 'on'],
      [{ name: 'x', on: 'rollout.breach', monitor: 'm', rule: 'auc < 0.7' }, 'monitor'],
      [{ name: 'x', monitor: 'm', rule: 'auc < 0.7', endpoint: 'churn' }, 'endpoint'],
      [{ name: 'x', rule: 'auc < 0.7' }, 'monitor'],
      [{ name: 'x', on: 'rollout.breach', endpoint: 'Not A Name' }, 'endpoint'],
      [{ name: 'x', on: 'rollout.breach', actions: ['rollback'] }, 'actions'],
    ];
    for (const [input, field] of cases) {
      const err = await alerts.createRule(input as never).then(() => null, (e: unknown) => e);
      expect(err, JSON.stringify(input)).toBeInstanceOf(UsageError);
      expect((err as UsageError).details?.field, JSON.stringify(input)).toBe(field);
    }
    expect((await alerts.listRules()).items).toEqual([]);
    const rule = await alerts.createRule({ name: 'rollbacks', on: 'rollout.breach, rollout.rolled_back', endpoint: 'churn', severity: 'critical', channels: [`webhook:${hook}/hook`], webhookSecret: SECRET });
    expect(rule).toMatchObject({ monitor: '@rollouts', events: ['rollout.breach', 'rollout.rolled_back'], endpoint: 'churn', condition: 'on rollout.breach,rollout.rolled_back of endpoint churn', cooldownSeconds: 0, actions: [] });
    expect((await alerts.getRule('rollbacks')).channels[0]).toMatchObject({ kind: 'webhook', secret: '[hidden]' });
  });

  it('a breach fires one signed webhook naming metric, value and threshold; its rollback is de-duplicated; others are ignored', async () => {
    const first = await alerts.evaluateRolloutEvent(event('rollout.breach', 'ro-1', 'churn', breach));
    expect(first).toMatchObject([{ rule: 'rollbacks', change: 'fired' }]);
    expect(bodies).toHaveLength(1);
    const delivered = bodies[0];
    expect(verifyWebhookSignature(SECRET, delivered.headers['x-kiln-timestamp'] as string, delivered.body, delivered.headers['x-kiln-signature'] as string)).toBe(true);
    const doc = JSON.parse(delivered.body) as { event: string; source: string; reason: string; alert: Record<string, unknown> & { rollout: { breach: typeof breach } } };
    expect(doc).toMatchObject({ event: 'fired', source: 'rollout', alert: { rule: 'rollbacks', endpoint: 'churn', severity: 'critical', value: 75, runId: 'ro-1', monitor: '@rollouts' } });
    expect(doc.alert.rollout).toMatchObject({ id: 'ro-1', event: 'rollout.breach', strategy: 'canary', breach: { metric: 'p99_ms', value: 75, threshold: 50, op: '<' } });
    expect(doc.reason).toContain('p99_ms = 75, threshold < 50 over 30 s (120 requests) on candidate');
    // The same rollout's rollback: counted on its alert, not sent again.
    clock += 1000;
    expect(await alerts.evaluateRolloutEvent(event('rollout.rolled_back', 'ro-1', 'churn', { breach }))).toMatchObject([{ change: 'repeated', alert: first[0].alert }]);
    // Another endpoint, an event the rule does not name: nothing.
    expect(await alerts.evaluateRolloutEvent(event('rollout.rolled_back', 'ro-2', 'other', { breach }))).toEqual([]);
    expect(await alerts.evaluateRolloutEvent(event('rollout.promoted', 'ro-3', 'churn'))).toEqual([]);
    expect(bodies).toHaveLength(1);
    const shown = await alerts.showAlert(first[0].alert as string);
    expect(shown.alert).toMatchObject({ status: 'resolved', occurrences: 2, rollout: { id: 'ro-1' } });
    expect(shown.events.map((e) => e.kind)).toEqual(['fired', 'delivery', 'repeated']);
    // A later rollout notifies again (no cooldown by default).
    clock += 1000;
    expect(await alerts.evaluateRolloutEvent(event('rollout.rolled_back', 'ro-4', 'churn', { breach }))).toMatchObject([{ change: 'fired' }]);
    expect(bodies).toHaveLength(2);
  });

  it('honours a cooldown, and the kiln-wide listener delivers in the background (settleEvents waits)', async () => {
    await alerts.createRule({ name: 'promotions', on: ['rollout.promoted'], channels: [`slack:${hook}/slack`], cooldown: '1h' });
    expect((await alerts.evaluateRolloutEvent(event('rollout.promoted', 'ro-5')))[0].change).toBe('fired');
    clock += 60_000;
    const suppressed = await alerts.evaluateRolloutEvent(event('rollout.promoted', 'ro-6'));
    expect(suppressed[0].change).toBe('suppressed');
    expect((await alerts.showAlert(suppressed[0].alert as string)).events.at(-1)).toMatchObject({ kind: 'suppressed', detail: { rolloutId: 'ro-6' } });
    const slack = bodies.filter((b) => b.path === '/slack');
    expect(slack).toHaveLength(1);
    expect((JSON.parse(slack[0].body) as { text: string }).text).toContain('(rollout ro-5, rollout.promoted, project default)');
    clock += 2 * 3600_000;
    alerts.onRolloutEvent(event('rollout.promoted', 'ro-7'));
    await alerts.settleEvents();
    expect(bodies.filter((b) => b.path === '/slack')).toHaveLength(2);
  });
});
