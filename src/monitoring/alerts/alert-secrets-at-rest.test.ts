/**
 * Webhook signing secrets at rest, through `AlertService` over a real (SQLite) Kiln and a receiver that
 * verifies the HMAC itself (401 on a wrong signature): with a master key the stored row holds no secret
 * (read from the database file) and deliveries still sign correctly; a missing or wrong key fails the
 * delivery naming the rule and KILN_MASTER_KEY while list/show keep working; without a key the secret is
 * stored plain, flagged and warned about once; plain rows from before keep working; `rotateSecrets` seals
 * plain ones, re-wraps under a new key (resumable), lists what it cannot open, and is audited.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import type { MasterKeyring } from '../../security/encrypted-artifact-store.js';
import { parseMasterKey } from '../../security/envelope-encryption.js';
import { SecretsAtRest } from '../../security/secrets-at-rest.js';
import type { MonitorRunSummary } from '../monitor-run.js';
import { AlertService } from './alert-service.js';
import { verifyWebhookSignature } from './channels/webhook-signature.js';

const K1 = parseMasterKey(randomBytes(32).toString('hex'));
const K2 = parseMasterKey(randomBytes(32).toString('hex'));
const SECRET = 'at-rest-test-secret-0123456789';

let home = '';
let kiln: Kiln;
let server: Server;
let hook = '';
let verified = 0;
let seq = 0;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-alert-secrets-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      // The receiver checks the signature as a real one would: only the right secret gets a 204.
      if (req.url === '/s') return void res.writeHead(204).end();
      const ok = verifyWebhookSignature(SECRET, req.headers['x-kiln-timestamp'] as string | undefined, body, req.headers['x-kiln-signature'] as string | undefined);
      if (ok) verified++;
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await kiln?.close();
});

function service(keyring: MasterKeyring | null): AlertService {
  return new AlertService(
    { metadata: kiln.metadata, endpoints: kiln.endpoints, registry: kiln.registry, jobs: kiln.jobs, datasets: kiln.datasets, security: kiln.security },
    { channels: { outbound: { allowHosts: ['127.0.0.1'] }, retry: { maxAttempts: 1, attemptTimeoutMs: 1000, backoffMs: 1, maxBackoffMs: 1 }, smtp: null, secrets: new SecretsAtRest(keyring) } },
  );
}

/** The rule's row as the database holds it. */
function rawRow(name: string): string {
  const db = new Database(join(home, 'kiln.db'), { readonly: true });
  try {
    return (db.prepare('select document from alert_rules where project = ? and name = ?').get('default', name) as { document: string }).document;
  } finally {
    db.close();
  }
}

/** One monitor run that changes the rule's state (fires, or resolves an open alert); its webhook delivery. */
async function notify(alerts: AlertService, monitor: string): Promise<{ ok: boolean; error: string | null }> {
  const open = (await alerts.listAlerts({ status: 'open' })).items.some((a) => a.monitor === monitor);
  const at = new Date(Date.UTC(2026, 2, 1) + ++seq * 60_000).toISOString();
  const run: MonitorRunSummary = { project: 'default', monitor, endpoint: 'churn', runId: `run-${seq}`, at, windowStart: at, windowEnd: at, status: 'ok', points: [{ check: 'quality', metric: 'auc', column: null, value: open ? 0.9 : 0.5 }], notes: [] };
  const [report] = await alerts.evaluateRun(run);
  expect(report.change).toBe(open ? 'resolved' : 'fired');
  const events = (await alerts.showAlert(report.alert as string)).events.filter((e) => e.kind === 'delivery' && e.detail.kind === 'webhook');
  const detail = events.at(-1)?.detail as { ok: boolean; attempts: { error?: string | null }[] };
  return { ok: detail.ok, error: detail.attempts.at(-1)?.error ?? null };
}

describe('webhook secrets at rest', () => {
  it('with a master key: the row holds no secret, show says encrypted, deliveries sign with the decrypted secret', async () => {
    const alerts = service({ active: K1, old: [] });
    const created = await alerts.createRule({ name: 'sealed', monitor: 'm-sealed', rule: 'auc < 0.75', channels: [`webhook:${hook}/a`, `slack:${hook}/s`], webhookSecret: SECRET, cooldown: 0 });
    expect(created.warnings).toEqual([]);
    expect(created.channels[0]).toEqual({ kind: 'webhook', url: `${hook}/a`, secret: SECRET, secretStorage: 'encrypted' });
    const row = rawRow('sealed');
    expect(row).not.toContain(SECRET);
    expect(JSON.parse(row).channels[0].secret).toMatchObject({ enc: 'kiln-secret-v1', keyId: K1.id });
    expect((await alerts.getRule('sealed')).channels[0]).toEqual({ kind: 'webhook', url: `${hook}/a`, secret: '[hidden]', secretStorage: 'encrypted' });
    expect((await alerts.listRules()).items.find((r) => r.name === 'sealed')?.channels[0].secretStorage).toBe('encrypted');
    const before = verified;
    expect(await notify(alerts, 'm-sealed')).toEqual({ ok: true, error: null });
    expect(verified).toBe(before + 1);
  });

  it('a missing or wrong key fails that delivery naming the rule and KILN_MASTER_KEY; the run, lists and show still work', async () => {
    const wrong = await notify(service({ active: K2, old: [] }), 'm-sealed');
    expect(wrong.ok).toBe(false);
    expect(wrong.error).toMatch(new RegExp(`alert rule "sealed" \\(project default\\) channel webhook ${hook}/a is encrypted at rest with master key ${K1.id}, which is not configured \\(KILN_MASTER_KEY is ${K2.id}\\)`));
    expect(wrong.error).toMatch(/KILN_MASTER_KEYS_OLD/);
    const none = service(null);
    const missing = await notify(none, 'm-sealed');
    expect(missing.ok).toBe(false);
    expect(missing.error).toMatch(/alert rule "sealed".*no master key is configured: KILN_MASTER_KEY is not set/);
    expect((await none.getRule('sealed')).channels[0]).toMatchObject({ secret: '[hidden]', secretStorage: 'encrypted' });
  });

  it('without a master key: stored plain (so the check above can fail), flagged, and warned about once at creation', async () => {
    const alerts = service(null);
    const created = await alerts.createRule({ name: 'plain', monitor: 'm-plain', rule: 'auc < 0.75', channels: [`webhook:${hook}/p`], webhookSecret: SECRET, cooldown: 0 });
    expect(created.channels[0]).toMatchObject({ secret: SECRET, secretStorage: 'plaintext' });
    expect(created.warnings).toHaveLength(1);
    expect(created.warnings[0]).toMatch(/alert rule "plain" is stored as plain text.*KILN_MASTER_KEY is not set.*kiln keys rotate --encrypt-plain/);
    expect(rawRow('plain')).toContain(SECRET);
    expect((await alerts.getRule('plain')).channels[0]).toEqual({ kind: 'webhook', url: `${hook}/p`, secret: '[hidden]', secretStorage: 'plaintext' });
    expect((await alerts.createRule({ name: 'no-webhook', monitor: 'm-none', rule: 'auc < 0.75', channels: [`slack:${hook}/s`] })).warnings).toEqual([]);
    expect(await notify(alerts, 'm-plain')).toEqual({ ok: true, error: null });
    // A plain row from before keeps working once a key is configured.
    expect(await notify(service({ active: K1, old: [] }), 'm-plain')).toEqual({ ok: true, error: null });
  });

  it('rotateSecrets seals plain ones on request, re-wraps under a new key, resumes, lists failures, and is audited', async () => {
    await expect(service(null).rotateSecrets({ encryptPlain: true })).rejects.toBeInstanceOf(UsageError);
    const k1 = service({ active: K1, old: [] });
    expect(await k1.secretsStatus()).toMatchObject({ channels: 2, encrypted: 1, plain: 1, keys: [{ id: K1.id, channels: 1, configured: true, active: true }] });
    expect(await k1.rotateSecrets()).toMatchObject({ channels: 2, current: 1, plain: 1, encryptedPlain: 0, rewrapped: 0, failed: [] });
    expect(rawRow('plain')).toContain(SECRET);
    expect(await k1.rotateSecrets({ encryptPlain: true })).toMatchObject({ current: 1, plain: 0, encryptedPlain: 1, failed: [] });
    expect(rawRow('plain')).not.toContain(SECRET);
    expect((await k1.getRule('plain')).channels[0].secretStorage).toBe('encrypted');

    // A key nobody configured: every sealed secret is listed as failed, and left as it was.
    const K3 = parseMasterKey(randomBytes(32).toString('hex'));
    const stray = await service({ active: K3, old: [] }).rotateSecrets();
    expect(stray.failed.map((f) => f.rule).sort()).toEqual(['plain', 'sealed']);
    expect(stray.failed[0]).toMatchObject({ project: 'default', code: 'usage', message: expect.stringMatching(/which is not configured/) });
    expect(JSON.parse(rawRow('sealed')).channels[0].secret.keyId).toBe(K1.id);

    const rotating = service({ active: K2, old: [K1] });
    expect(await rotating.rotateSecrets()).toMatchObject({ activeKeyId: K2.id, rewrapped: 2, current: 0, failed: [] });
    expect(await rotating.rotateSecrets()).toMatchObject({ rewrapped: 0, current: 2 });
    expect(JSON.parse(rawRow('sealed')).channels[0].secret.keyId).toBe(K2.id);
    // The slack channel beside the webhook is untouched.
    expect(JSON.parse(rawRow('sealed')).channels[1]).toEqual({ kind: 'slack', url: `${hook}/s` });
    expect(await notify(service({ active: K2, old: [] }), 'm-sealed')).toEqual({ ok: true, error: null });
    expect((await notify(service({ active: K1, old: [] }), 'm-sealed')).ok).toBe(false);

    const audit = await kiln.security.listAudit({ resourceType: 'alert-channel-secrets' });
    expect(audit.items.map((a) => a.action)).toEqual(Array(5).fill('keys.rotate'));
    expect(JSON.stringify(audit.items)).not.toContain(SECRET);
  });
});
