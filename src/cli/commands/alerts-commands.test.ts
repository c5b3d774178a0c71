/**
 * `kiln alerts ...` through `runCli` in-process (the same path as the binary, without a spawn): rules
 * created (secret printed once), listed, shown and deleted; malformed rules exit 2 naming the position;
 * alerts raised by a monitor run listed (--open), shown with history and acknowledged; --json everywhere;
 * --project scoping.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKiln } from '../../kiln.js';
import { localPrincipal } from '../../security/local-principal.js';
import { runCli } from '../main.js';

let home = '';
const saved = { home: process.env.KILN_HOME, db: process.env.KILN_DATABASE_URL, project: process.env.KILN_PROJECT, key: process.env.KILN_MASTER_KEY, keyFile: process.env.KILN_MASTER_KEY_FILE };

async function kiln(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTty: false });
  return { code, out: out.join(''), err: err.join('') };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-alerts-cli-'));
  process.env.KILN_HOME = home;
  process.env.KILN_DATABASE_URL = '';
  delete process.env.KILN_PROJECT;
  delete process.env.KILN_MASTER_KEY;
  delete process.env.KILN_MASTER_KEY_FILE;
});
afterAll(async () => {
  process.env.KILN_HOME = saved.home;
  process.env.KILN_DATABASE_URL = saved.db;
  if (saved.project !== undefined) process.env.KILN_PROJECT = saved.project;
  if (saved.key !== undefined) process.env.KILN_MASTER_KEY = saved.key;
  if (saved.keyFile !== undefined) process.env.KILN_MASTER_KEY_FILE = saved.keyFile;
  await rm(home, { recursive: true, force: true });
});

describe('kiln alerts', () => {
  it('creates, lists, shows and deletes rules', async () => {
    const created = await kiln(['alerts', 'rules', 'create', 'drift', '--monitor', 'churn-drift', '--rule', 'drift_share > 0.3 for 2 runs', '--severity', 'critical', '--channel', 'webhook:https://93.184.215.14/hook', '--channel', 'slack:https://93.184.215.14/slack', '--cooldown', '45m']);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/created alert rule drift: drift_share > 0.3 for 2 runs on monitor churn-drift \(critical, cooldown 2700s\)/);
    expect(created.out).toMatch(/signing secret \(shown once\): [0-9a-f]{64}/);
    // No master key in this test: the secret is stored plain, and the CLI says so once, on stderr.
    expect(created.err).toMatch(/^warning: the webhook signing secret of alert rule "drift" is stored as plain text .*KILN_MASTER_KEY is not set/);
    const listed = JSON.parse((await kiln(['alerts', 'rules', 'list', '--json'])).out) as { rules: { name: string; channels: { secret?: string; secretStorage?: string }[] }[] };
    expect(listed.rules.map((r) => r.name)).toEqual(['drift']);
    expect(listed.rules[0].channels[0]).toMatchObject({ secret: '[hidden]', secretStorage: 'plaintext' });
    const shown = await kiln(['alerts', 'rules', 'show', 'drift']);
    expect(shown.out).toMatch(/channel slack https:\/\/93\.184\.215\.14\/slack/);
    expect(shown.out).toMatch(/channel webhook https:\/\/93\.184\.215\.14\/hook \(signing secret stored as plain text\)/);
    expect(shown.err).toBe('');
    expect((await kiln(['alerts', 'rules', 'create', 'tmp', '--monitor', 'm', '--rule', 'auc < 0.7', '--json'])).code).toBe(0);
    expect(JSON.parse((await kiln(['alerts', 'rules', 'delete', 'tmp', '--json'])).out)).toEqual({ deleted: 'tmp' });
    // A rule over rollout events instead of a monitor.
    const events = await kiln(['alerts', 'rules', 'create', 'rollbacks', '--on', 'rollout.rolled_back,rollout.breach', '--endpoint', 'churn', '--channel', 'webhook:https://93.184.215.14/hook']);
    expect(events.code).toBe(0);
    expect(events.out).toMatch(/created alert rule rollbacks: on rollout.rolled_back,rollout.breach of endpoint churn \(warning, cooldown 0s\)/);
    expect(JSON.parse((await kiln(['alerts', 'rules', 'show', 'rollbacks', '--json'])).out)).toMatchObject({ rule: { monitor: '@rollouts', events: ['rollout.rolled_back', 'rollout.breach'], endpoint: 'churn' } });
    const unknown = await kiln(['alerts', 'rules', 'create', 'x', '--on', 'rollout.exploded', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.err || unknown.out)).toMatchObject({ error: { code: 'usage', details: { field: 'on' } } });
    expect((await kiln(['alerts', 'rules', 'create', 'x', '--rule', 'auc < 0.7'])).code).toBe(2);
  });

  it('exits 2 on malformed rules naming the position; an unknown alert is a typed not_found', async () => {
    const bad = await kiln(['alerts', 'rules', 'create', 'x', '--monitor', 'm', '--rule', 'psi(age > 0.2', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.err || bad.out)).toMatchObject({ error: { code: 'usage', details: { field: 'rule', position: 9 } } });
    const human = await kiln(['alerts', 'rules', 'create', 'x', '--monitor', 'm', '--rule', 'auc <']);
    expect(human.code).toBe(2);
    expect(human.err).toMatch(/expected a number at position 6/);
    expect(human.err).toMatch(/\^/);
    expect((await kiln(['alerts', 'rules', 'create', 'x', '--monitor', 'm', '--rule', 'auc < 1', '--action', 'explode'])).code).toBe(2);
    expect((await kiln(['alerts', 'rules', 'create', 'x', '--monitor', 'm', '--rule', 'auc < 1', '--channel', 'webhook:http://127.0.0.1:9/x'])).err).toMatch(/loopback/);
    const missing = await kiln(['alerts', 'show', 'nope', '--json']);
    expect(missing.code).not.toBe(0);
    expect(JSON.parse(missing.err || missing.out)).toMatchObject({ error: { code: 'not_found' } });
  });

  it('lists, shows and acknowledges alerts raised by monitor runs', async () => {
    const k = await openKiln({ home, databaseUrl: undefined });
    try {
      await k.alerts.createRule({ name: 'auc-low', monitor: 'quality', rule: 'auc < 0.75' });
      const [report] = await k.alerts.evaluateRun({ project: 'default', monitor: 'quality', endpoint: 'churn', runId: 'r1', at: '2026-01-01T00:00:00Z', windowStart: '2026-01-01T00:00:00Z', windowEnd: '2026-01-01T01:00:00Z', status: 'ok', points: [{ check: 'quality', metric: 'auc', column: null, value: 0.7 }], notes: [] });
      expect(report.change).toBe('fired');
      await k.security.createProject('alpha', null, localPrincipal());
    } finally {
      await k.close();
    }
    const open = JSON.parse((await kiln(['alerts', 'list', '--open', '--json'])).out) as { alerts: { id: string; rule: string }[] };
    expect(open.alerts.map((a) => a.rule)).toEqual(['auc-low']);
    const id = open.alerts[0].id;
    expect((await kiln(['alerts', 'list'])).out).toMatch(/auc-low\s+│?\s*warning/);
    const shown = await kiln(['alerts', 'show', id]);
    expect(shown.out).toMatch(/auc-low \(warning\) OPEN on endpoint churn/);
    expect(shown.out).toMatch(/fired/);
    const acked = JSON.parse((await kiln(['alerts', 'ack', id, '--note', 'on it', '--json'])).out) as { alert: { acknowledgedBy: string } };
    expect(acked.alert.acknowledgedBy).toMatch(/^local:/);
    expect((await kiln(['alerts', 'ack', id])).code).not.toBe(0);
    const history = JSON.parse((await kiln(['alerts', 'show', id, '--json'])).out) as { events: { kind: string; detail: { note?: string } }[] };
    expect(history.events.map((e) => e.kind)).toEqual(['fired', 'acknowledged']);
    expect(history.events[1].detail.note).toBe('on it');
    // Project scoping: alpha has no alerts; an unknown project is refused.
    expect(JSON.parse((await kiln(['alerts', 'list', '--project', 'alpha', '--json'])).out)).toEqual({ alerts: [], next: null });
    expect((await kiln(['alerts', 'list', '--project', 'nope'])).code).not.toBe(0);
  });
});
