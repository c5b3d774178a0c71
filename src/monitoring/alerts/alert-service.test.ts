/**
 * `AlertService` over a real (SQLite) Kiln with synthetic monitor runs and an in-memory run history:
 * rules (checked, secrets hidden, project-scoped), firing after N runs, de-duplication of an open alert,
 * resolution when the condition clears, cooldown, acknowledgement, deliveries recorded in the alert's
 * history (a failing webhook bounded), and the audit log.
 */
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, UsageError } from '../../core/errors.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import { SecretsAtRest } from '../../security/secrets-at-rest.js';
import type { MonitorResultPoint, MonitorRunHistory, MonitorRunListener, MonitorRunSummary } from '../monitor-run.js';
import { AlertService } from './alert-service.js';
import { verifyWebhookSignature } from './channels/webhook-signature.js';

/** Runs per monitor, newest first: the monitor service's history as alerts read it. */
class InMemoryRunHistory implements MonitorRunHistory {
  readonly runs: MonitorRunSummary[] = [];
  async recentRuns(monitor: string, limit: number): Promise<readonly MonitorRunSummary[]> {
    return this.runs.filter((r) => r.monitor === monitor).slice(0, limit);
  }
}

let kiln: Kiln;
let server: Server;
let hook = '';
const bodies: { path: string; body: string; headers: Record<string, unknown> }[] = [];
let clock = Date.parse('2026-03-01T00:00:00.000Z');
let seq = 0;
let alerts: AlertService;
const history = new InMemoryRunHistory();
const SECRET = 'service-test-secret-0123456789';

function run(monitor: string, points: Partial<MonitorResultPoint>[], status: MonitorRunSummary['status'] = 'ok', project = 'default'): MonitorRunSummary {
  const r: MonitorRunSummary = {
    project,
    monitor,
    endpoint: 'churn',
    runId: `run-${++seq}`,
    at: new Date(clock).toISOString(),
    windowStart: new Date(clock - 3600_000).toISOString(),
    windowEnd: new Date(clock).toISOString(),
    status,
    points: points.map((p) => ({ check: 'drift', metric: 'drift_share', column: null, value: 0, ...p })),
    notes: [],
  };
  history.runs.unshift(r);
  return r;
}

/** Advance the clock and deliver a run, as the monitor service would. */
async function tick(minutes: number, r: MonitorRunSummary) {
  clock += minutes * 60_000;
  return alerts.evaluateRun(r);
}

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'kiln-alert-service-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      bodies.push({ path: req.url ?? '', body, headers: req.headers });
      res.writeHead(req.url === '/broken' ? 500 : 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  alerts = new AlertService(
    { metadata: kiln.metadata, endpoints: kiln.endpoints, registry: kiln.registry, jobs: kiln.jobs, datasets: kiln.datasets, security: kiln.security },
    { channels: { outbound: { allowHosts: ['127.0.0.1'] }, retry: { maxAttempts: 2, attemptTimeoutMs: 500, backoffMs: 10, maxBackoffMs: 10 }, smtp: null, secrets: new SecretsAtRest(null) }, now: () => new Date(clock) },
  );
  alerts.useHistory(history);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await kiln?.close();
});

describe('alert rules', () => {
  it('creates rules with defaults, hides webhook secrets after creation, lists and deletes them', async () => {
    const created = await alerts.createRule({ name: 'drift', monitor: 'churn-drift', rule: 'drift_share > 0.3 for 2 runs', channels: [`webhook:${hook}/hook`], webhookSecret: SECRET, cooldown: '1h' });
    expect(created).toMatchObject({ name: 'drift', severity: 'warning', cooldownSeconds: 3600, channels: [{ kind: 'webhook', secret: SECRET, secretStorage: 'plaintext' }], actions: [] });
    expect(created.warnings).toEqual([expect.stringMatching(/stored as plain text.*KILN_MASTER_KEY is not set/)]);
    expect((await alerts.getRule('drift')).channels).toEqual([{ kind: 'webhook', url: `${hook}/hook`, secret: '[hidden]', secretStorage: 'plaintext' }]);
    expect((await alerts.listRules()).items.map((r) => r.name)).toEqual(['drift']);
    await expect(alerts.createRule({ name: 'drift', monitor: 'm', rule: 'auc < 0.7' })).rejects.toBeInstanceOf(ConflictError);
    await alerts.createRule({ name: 'tmp', monitor: 'm', rule: 'auc < 0.7' });
    expect(await alerts.deleteRule('tmp')).toEqual({ deleted: 'tmp' });
    await expect(alerts.deleteRule('tmp')).rejects.toBeInstanceOf(NotFoundError);
    // Another project has its own rules.
    expect((await alerts.inProject('other').listRules()).items).toEqual([]);
  });

  it('refuses malformed rules naming the field, and nothing is stored', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ name: 'x', monitor: 'm', rule: 'drift_share >> 0.3' }, /rule: expected a number at position 14/],
      [{ name: 'Bad Name', monitor: 'm', rule: 'auc < 1' }, /name must be/],
      [{ name: 'x', monitor: 'm', rule: 'auc < 1', severity: 'panic' }, /severity must be one of info, warning, critical/],
      [{ name: 'x', monitor: 'm', rule: 'auc < 1', cooldown: '5 weeks' }, /cooldown must be a duration/],
      [{ name: 'x', monitor: 'm', rule: 'auc < 1', cooldown: '31d' }, /0 to 30 days/],
      [{ name: 'x', monitor: 'm', rule: 'auc < 1', actions: ['reboot'] }, /unknown action "reboot"/],
      [{ name: 'x', monitor: 'm', rule: 'auc < 1', actions: ['rollback', 'circuit-breaker'] }, /pick one/],
      [{ name: 'x', monitor: 'm', rule: 'auc < 1', actions: ['rollback', 'rollback'] }, /once/],
      [{ name: 'x', monitor: 'm', rule: 'auc < 1', defaultAnswer: 'no' }, /add the circuit-breaker action/],
      [{ name: 'x', monitor: 'm', rule: 'auc < 1', channels: ['webhook:http://10.0.0.1/x'] }, /private \(10\.0\.0\.0\/8\)/],
      [{ name: 'x', monitor: 'm', rule: 'auc < 1', channels: ['email:ops@example.com'] }, /KILN_SMTP_URL is not set/],
      [{ name: 'x', monitor: 'm', rule: 'auc < 1', channels: new Array(11).fill(`slack:${hook}`) }, /at most 10/],
    ];
    for (const [input, message] of bad) {
      const err = await alerts.createRule(input as never).then(() => null, (e: unknown) => e);
      expect(err, JSON.stringify(input)).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(message);
    }
    expect(await kiln.metadata.alerts.getRule('x')).toBeNull();
  });

  it('lets only those allowed to change endpoints configure actions that do', async () => {
    const viewer = { actor: 'token:v', kind: 'token' as const, grants: [{ project: 'default', role: 'viewer' as const }], superuser: false };
    await expect(alerts.createRule({ name: 'rb', monitor: 'm', rule: 'auc < 0.7', actions: ['rollback'] }, { actor: viewer })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(alerts.createRule({ name: 'rt', monitor: 'm', rule: 'auc < 0.7', actions: ['retrain'] }, { actor: viewer })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('alert lifecycle', () => {
  it('fires after N breaching runs, de-duplicates while open, resolves when clear, honours the cooldown', async () => {
    const quiet = await tick(0, run('churn-drift', [{ value: 0.1 }]));
    expect(quiet).toMatchObject([{ rule: 'drift', state: 'clear', change: 'none', alert: null }]);
    // One breaching run is not enough for "for 2 runs".
    expect(await tick(10, run('churn-drift', [{ value: 0.5 }]))).toMatchObject([{ state: 'pending', change: 'none' }]);
    const fired = await tick(10, run('churn-drift', [{ value: 0.6 }]));
    expect(fired).toMatchObject([{ state: 'breach', change: 'fired', deliveries: [{ ok: true, attempts: 1 }] }]);
    const id = fired[0].alert as string;
    // The webhook got a signed "fired" document.
    const delivered = bodies.filter((b) => b.path === '/hook');
    expect(delivered).toHaveLength(1);
    expect(verifyWebhookSignature(SECRET, delivered[0].headers['x-kiln-timestamp'] as string, delivered[0].body, delivered[0].headers['x-kiln-signature'] as string)).toBe(true);
    expect(JSON.parse(delivered[0].body)).toMatchObject({ event: 'fired', alert: { id, rule: 'drift', value: 0.6, status: 'open' } });

    // Still breaching: the same alert counts a repeat, nobody is notified again.
    expect(await tick(10, run('churn-drift', [{ value: 0.7 }]))).toMatchObject([{ change: 'repeated', alert: id, deliveries: [] }]);
    // An empty window changes nothing.
    expect(await tick(10, run('churn-drift', [], 'empty'))).toMatchObject([{ state: 'unknown', change: 'none', alert: id }]);
    expect(bodies.filter((b) => b.path === '/hook')).toHaveLength(1);
    const open = await alerts.listAlerts({ status: 'open' });
    expect(open.items).toHaveLength(1);
    expect(open.items[0]).toMatchObject({ id, occurrences: 2, lastValue: 0.7, status: 'open' });

    // The condition clears: resolved, and the channel hears it.
    expect(await tick(10, run('churn-drift', [{ value: 0.05 }]))).toMatchObject([{ change: 'resolved', alert: id, deliveries: [{ ok: true }] }]);
    expect(JSON.parse(bodies.filter((b) => b.path === '/hook')[1].body)).toMatchObject({ event: 'resolved', alert: { id, status: 'resolved' } });
    expect((await alerts.listAlerts({ status: 'open' })).items).toEqual([]);

    // Breaching again within an hour of the firing: suppressed by the cooldown, recorded on that alert.
    await tick(1, run('churn-drift', [{ value: 0.9 }]));
    expect(await tick(1, run('churn-drift', [{ value: 0.9 }]))).toMatchObject([{ change: 'suppressed', alert: id }]);
    expect(bodies.filter((b) => b.path === '/hook')).toHaveLength(2);
    // After the cooldown, a new alert.
    const again = await tick(30, run('churn-drift', [{ value: 0.9 }]));
    expect(again).toMatchObject([{ change: 'fired' }]);
    expect(again[0].alert).not.toBe(id);

    const shown = await alerts.showAlert(id);
    expect(shown.alert).toMatchObject({ status: 'resolved', value: 0.6, occurrences: 2 });
    expect(shown.events.map((e) => e.kind)).toEqual(['fired', 'delivery', 'repeated', 'resolved', 'delivery', 'suppressed']);
    expect(shown.events[1].detail).toMatchObject({ kind: 'webhook', event: 'fired', ok: true, attempts: [{ attempt: 1, status: 200, error: null }] });
  });

  it('acknowledges once (who, when), audited', async () => {
    const [open] = (await alerts.listAlerts({ status: 'open' })).items;
    const me = { actor: 'token:oncall', kind: 'token' as const, grants: [{ project: 'default', role: 'editor' as const }], superuser: false };
    const acked = await alerts.acknowledge(open.id, { actor: me });
    expect(acked).toMatchObject({ acknowledgedBy: 'token:oncall', acknowledgedAt: new Date(clock).toISOString(), status: 'open' });
    await expect(alerts.acknowledge(open.id, { actor: me })).rejects.toBeInstanceOf(ConflictError);
    await expect(alerts.acknowledge('nope')).rejects.toBeInstanceOf(NotFoundError);
    expect((await alerts.showAlert(open.id)).events.at(-1)).toMatchObject({ kind: 'acknowledged', detail: { by: 'token:oncall' } });
    const audit = await kiln.security.listAudit({ resourceType: 'alerts', resourceId: open.id });
    expect(audit.items.map((a) => a.action)).toContain('alert.acknowledge');
    const ruleAudit = await kiln.security.listAudit({ resourceType: 'alert-rules', resourceId: 'drift' });
    expect(ruleAudit.items.map((a) => a.action)).toEqual(['alert-rule.create']);
    // The webhook secret never reaches the audit log.
    expect(JSON.stringify(ruleAudit.items)).not.toContain(SECRET);
  });

  it('records a failing channel with every bounded attempt, without failing the run', async () => {
    await alerts.createRule({ name: 'auc-low', monitor: 'quality', rule: 'auc < 0.75', severity: 'critical', channels: [`webhook:${hook}/broken`, `slack:${hook}/slack`], webhookSecret: SECRET, cooldown: 0 });
    const [report] = await tick(1, run('quality', [{ check: 'quality', metric: 'auc', value: 0.7 }]));
    expect(report.change).toBe('fired');
    expect(report.deliveries).toEqual([
      { channel: `webhook ${hook}/broken`, ok: false, attempts: 2 },
      { channel: `slack ${hook}/slack`, ok: true, attempts: 1 },
    ]);
    const events = (await alerts.showAlert(report.alert as string)).events.filter((e) => e.kind === 'delivery');
    const failed = events.find((e) => e.detail.kind === 'webhook');
    expect(failed?.detail).toMatchObject({ ok: false, attempts: [{ status: 500 }, { status: 500 }] });
  });

  it('is a MonitorRunListener the monitor service can call as is (bound)', async () => {
    const listener: MonitorRunListener = kiln.alerts.onMonitorRun;
    await alerts.createRule({ name: 'via-listener', monitor: 'listened', rule: 'error_rate > 0.1' });
    const handed = alerts.onMonitorRun;
    await handed(run('listened', [{ check: 'operational', metric: 'error_rate', value: 0.5 }]));
    expect((await alerts.listAlerts({ rule: 'via-listener' })).items).toHaveLength(1);
    expect(listener).toBeTypeOf('function');
  });

  it('without a connected run history, remembers the runs it has seen for "for N runs" rules', async () => {
    const bare = new AlertService(
      { metadata: kiln.metadata, endpoints: kiln.endpoints, registry: kiln.registry, jobs: kiln.jobs, datasets: kiln.datasets, security: kiln.security },
      { channels: { outbound: {}, retry: { maxAttempts: 1, attemptTimeoutMs: 100, backoffMs: 1, maxBackoffMs: 1 }, smtp: null, secrets: new SecretsAtRest(null) } },
    ).inProject('buffered');
    await bare.createRule({ name: 'p99', monitor: 'ops', rule: 'p99_ms > 250 for 3 runs' });
    const ops = (v: number) => ({ ...run('ops', [{ check: 'operational', metric: 'p99_ms', value: v }, { check: 'operational', metric: 'error_rate', value: 0 }]), project: 'buffered' });
    expect((await bare.evaluateRun(ops(300)))[0].state).toBe('pending');
    expect((await bare.evaluateRun(ops(310)))[0].state).toBe('pending');
    const [fired] = await bare.evaluateRun(ops(320));
    expect(fired).toMatchObject({ state: 'breach', change: 'fired' });
    // Deleting the rule resolves its open alert (no run would ever resolve it again).
    await bare.deleteRule('p99');
    const { alert, events } = await bare.showAlert(fired.alert as string);
    expect(alert.status).toBe('resolved');
    expect(events.at(-1)).toMatchObject({ kind: 'resolved', detail: { reason: expect.stringMatching(/rule p99 was deleted/) } });
  });

  it('acts only on its own monitor and project', async () => {
    expect(await tick(1, run('some-other-monitor', [{ value: 0.99 }]))).toEqual([]);
    expect(await tick(1, run('churn-drift', [{ value: 0.99 }], 'ok', 'other'))).toEqual([]);
  });
});
