/**
 * Alert channels against real local servers: a webhook receiver that verifies the HMAC signature, one
 * that answers 500 and one that hangs (retries bounded, every attempt recorded), the Slack body, the
 * outbound-URL guard (a loopback URL is refused unless allow-listed), and email delivered to an
 * in-process SMTP server.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMasterKey } from '../../../security/envelope-encryption.js';
import { SecretsAtRest } from '../../../security/secrets-at-rest.js';
import type { AlertRecord } from '../../../store/alert-repository.js';
import type { ChannelContext } from './alert-channels.js';
import { checkChannel, deliverToChannel, parseChannelSpec, publicChannel, sealChannelSecret } from './alert-channels.js';
import type { AlertNotification } from './alert-message.js';
import { smtpSettingsFromEnv } from './email-channel.js';
import { verifyWebhookSignature } from './webhook-signature.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base = '';
const received: Received[] = [];
const counts = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body });
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      if (path === '/hang') return; // never answers
      if (path === '/fail') return void res.writeHead(500).end('upstream broke');
      if (path === '/flaky') return void res.writeHead(n < 3 ? 503 : 200).end();
      if (path === '/gone') return void res.writeHead(410).end('no such hook');
      // The receiver verifies the signature itself, as a real one would: a wrong one is a 401.
      if (path === '/ok' && !verifyWebhookSignature(SECRET, req.headers['x-kiln-timestamp'] as string | undefined, body, req.headers['x-kiln-signature'] as string | undefined)) return void res.writeHead(401).end('bad signature');
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const alert: AlertRecord = {
  project: 'default',
  id: 'a-1',
  rule: 'drift',
  monitor: 'churn-drift',
  endpoint: 'churn',
  severity: 'critical',
  condition: 'drift_share > 0.3 for 2 runs',
  status: 'open',
  value: 0.5,
  runId: 'run-7',
  firedAt: '2026-01-01T00:00:00.000Z',
  lastValue: 0.5,
  lastSeenAt: '2026-01-01T00:00:00.000Z',
  occurrences: 1,
  resolvedAt: null,
  acknowledgedBy: null,
  acknowledgedAt: null,
};
const note: AlertNotification = { event: 'fired', alert, reason: 'drift_share = 0.5 > 0.3 for 2 runs' };
const fast: ChannelContext = { outbound: { allowHosts: ['127.0.0.1'] }, retry: { maxAttempts: 3, attemptTimeoutMs: 300, backoffMs: 20, maxBackoffMs: 100 }, smtp: null, secrets: new SecretsAtRest(null) };
const SECRET = 'a-webhook-secret-of-32-characters';

describe('webhook channel', () => {
  it('POSTs the alert as JSON with a signature the receiver verifies', async () => {
    const spec = parseChannelSpec(`webhook:${base}/ok`, SECRET);
    const outcome = await deliverToChannel(spec, note, fast);
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts).toHaveLength(1);
    const got = received.filter((r) => r.path === '/ok').at(-1) as Received;
    expect(got.headers['content-type']).toBe('application/json');
    expect(verifyWebhookSignature(SECRET, got.headers['x-kiln-timestamp'] as string, got.body, got.headers['x-kiln-signature'] as string)).toBe(true);
    expect(verifyWebhookSignature('another-secret-of-some-length', got.headers['x-kiln-timestamp'] as string, got.body, got.headers['x-kiln-signature'] as string)).toBe(false);
    expect(verifyWebhookSignature(SECRET, got.headers['x-kiln-timestamp'] as string, `${got.body} `, got.headers['x-kiln-signature'] as string)).toBe(false);
    // A replay long after the timestamp is refused by the receiver's tolerance.
    expect(verifyWebhookSignature(SECRET, got.headers['x-kiln-timestamp'] as string, got.body, got.headers['x-kiln-signature'] as string, Number(got.headers['x-kiln-timestamp']) + 3600)).toBe(false);
    const doc = JSON.parse(got.body) as { version: number; event: string; alert: AlertRecord; reason: string };
    expect(doc).toMatchObject({ version: 1, event: 'fired', reason: note.reason, alert: { id: 'a-1', rule: 'drift', endpoint: 'churn', severity: 'critical', value: 0.5 } });
  });

  it('is refused by the receiver when signed with another secret (401, not retried)', async () => {
    const outcome = await deliverToChannel(parseChannelSpec(`webhook:${base}/ok`, 'not-the-receivers-secret'), note, fast);
    expect(outcome).toMatchObject({ ok: false, attempts: [{ status: 401, error: 'HTTP 401: bad signature' }] });
  });

  it('signs with the secret opened at delivery when it is stored sealed; a missing key is a refused delivery, nothing sent', async () => {
    const K1 = parseMasterKey(randomBytes(32).toString('hex'));
    const keyed = new SecretsAtRest({ active: K1, old: [] });
    const sealed = sealChannelSecret(parseChannelSpec(`webhook:${base}/ok`, SECRET), keyed);
    expect(JSON.stringify(sealed)).not.toContain(SECRET);
    expect(publicChannel(sealed)).toEqual({ kind: 'webhook', url: `${base}/ok`, secret: '[hidden]', secretStorage: 'encrypted' });
    expect(await deliverToChannel(sealed, note, { ...fast, secrets: keyed })).toMatchObject({ ok: true, attempts: [{ status: 204 }] });
    const got = received.filter((r) => r.path === '/ok').at(-1) as Received;
    expect(verifyWebhookSignature(SECRET, got.headers['x-kiln-timestamp'] as string, got.body, got.headers['x-kiln-signature'] as string)).toBe(true);
    const before = received.length;
    const refused = await deliverToChannel(sealed, note, fast);
    expect(refused).toMatchObject({ ok: false, attempts: [{ status: null, error: expect.stringMatching(/alert rule "drift" \(project default\) channel webhook .* is encrypted at rest with master key [0-9a-f]{16}, which is not configured.*Set KILN_MASTER_KEY/) }] });
    expect(received.length).toBe(before);
  });

  it('retries 5xx with backoff until it succeeds, keeping one delivery id', async () => {
    const outcome = await deliverToChannel(parseChannelSpec(`webhook:${base}/flaky`, SECRET), note, fast);
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    const ids = new Set(received.filter((r) => r.path === '/flaky').map((r) => r.headers['x-kiln-delivery']));
    expect(ids.size).toBe(1);
  });

  it('gives up on a webhook that keeps answering 500 after the bounded attempts, each recorded', async () => {
    const outcome = await deliverToChannel(parseChannelSpec(`webhook:${base}/fail`, SECRET), note, fast);
    expect(outcome.ok).toBe(false);
    expect(outcome.attempts).toHaveLength(3);
    expect(outcome.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
    expect(outcome.attempts[0].error).toMatch(/HTTP 500: upstream broke/);
    expect(counts.get('/fail')).toBe(3);
  });

  it('bounds a webhook that hangs by the per-attempt timeout, retried and recorded', async () => {
    const started = Date.now();
    const outcome = await deliverToChannel(parseChannelSpec(`webhook:${base}/hang`, SECRET), note, fast);
    const took = Date.now() - started;
    expect(outcome.ok).toBe(false);
    expect(outcome.attempts).toHaveLength(3);
    for (const a of outcome.attempts) {
      expect(a.status).toBeNull();
      expect(a.error).toMatch(/300 ms/);
    }
    // 3 x 300 ms + 20 + 40 ms backoff, with slack for a busy machine; never unbounded.
    expect(took).toBeLessThan(5000);
  });

  it('bounds name resolution too: a resolver that never answers is a failed delivery, not a stuck run', async () => {
    const outcome = await deliverToChannel(parseChannelSpec('webhook:https://hooks.example.com/x', SECRET), note, { ...fast, outbound: { resolve: () => new Promise(() => undefined) } });
    expect(outcome).toMatchObject({ ok: false, attempts: [{ status: null, error: expect.stringMatching(/took longer than 300 ms/) }] });
  });

  it('does not retry a permanent refusal (410)', async () => {
    const outcome = await deliverToChannel(parseChannelSpec(`webhook:${base}/gone`, SECRET), note, fast);
    expect(outcome).toMatchObject({ ok: false, attempts: [{ status: 410 }] });
  });

  it('refuses loopback and private URLs unless allowed, without sending anything', async () => {
    const before = received.length;
    const outcome = await deliverToChannel(parseChannelSpec(`webhook:${base}/ok`, SECRET), note, { ...fast, outbound: {} });
    expect(outcome.ok).toBe(false);
    expect(outcome.attempts[0].error).toMatch(/refused: address 127\.0\.0\.1, which is loopback/);
    expect(received.length).toBe(before);
    await expect(checkChannel(parseChannelSpec('webhook:http://169.254.169.254/latest', SECRET), { outbound: {}, smtp: null })).rejects.toThrow(/link-local/);
    await expect(checkChannel(parseChannelSpec('slack:file:///etc/passwd'), { outbound: {}, smtp: null })).rejects.toThrow(/scheme file:/);
    await expect(checkChannel(parseChannelSpec(`webhook:${base}/ok`, 'short'), { outbound: fast.outbound, smtp: null })).rejects.toThrow(/16 to 256/);
  });

  it('parses channel specs and refuses unknown kinds and bad addresses', () => {
    expect(parseChannelSpec('slack:https://hooks.slack.com/services/x')).toEqual({ kind: 'slack', url: 'https://hooks.slack.com/services/x' });
    expect((parseChannelSpec('webhook:https://example.com/h') as { secret: string }).secret).toMatch(/^[0-9a-f]{64}$/);
    expect(() => parseChannelSpec('pager:123')).toThrow(/unknown channel kind "pager"/);
    expect(() => parseChannelSpec('email:not-an-address')).toThrow(/not an email address/);
    expect(() => parseChannelSpec('email:a@b.com\r\nBcc: x@y.z')).toThrow(/not an email address/);
    expect(() => parseChannelSpec(42)).toThrow(/webhook:URL/);
  });
});

describe('slack channel', () => {
  it('POSTs {text, blocks} with the alert in words', async () => {
    const outcome = await deliverToChannel(parseChannelSpec(`slack:${base}/slack`), note, fast);
    expect(outcome.ok).toBe(true);
    const got = received.filter((r) => r.path === '/slack').at(-1) as Received;
    expect(got.headers['x-kiln-signature']).toBeUndefined();
    const body = JSON.parse(got.body) as { text: string; blocks: { type: string }[] };
    expect(body.text).toBe('[CRITICAL] drift fired on endpoint churn (monitor churn-drift, project default): drift_share = 0.5 > 0.3 for 2 runs');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(JSON.stringify(body.blocks)).toContain('`drift_share > 0.3 for 2 runs`');
  });
});

describe('email channel', () => {
  it('delivers to an in-process SMTP server, and refuses without KILN_SMTP_URL', async () => {
    const mails: { from: string; to: string[]; data: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => (data += c));
        stream.on('end', () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    try {
      const port = (smtp.server.address() as AddressInfo).port;
      const settings = smtpSettingsFromEnv({ KILN_SMTP_URL: `smtp://127.0.0.1:${port}`, KILN_SMTP_FROM: 'alerts@kiln.test' });
      expect(settings).not.toBeNull();
      const spec = parseChannelSpec('email:oncall@example.com');
      await checkChannel(spec, { outbound: {}, smtp: settings });
      const outcome = await deliverToChannel(spec, note, { ...fast, retry: { ...fast.retry, attemptTimeoutMs: 5000 }, smtp: settings });
      expect(outcome.ok).toBe(true);
      expect(outcome.attempts[0].status).toBe(250);
      expect(mails).toHaveLength(1);
      expect(mails[0].from).toBe('alerts@kiln.test');
      expect(mails[0].to).toEqual(['oncall@example.com']);
      expect(mails[0].data).toMatch(/Subject: \[kiln critical\] drift on churn/);
      // The body is quoted-printable: soft line breaks and =XX escapes.
      const text = mails[0].data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      expect(text).toContain('Condition:  drift_share > 0.3 for 2 runs');
      expect(text).toContain('drift_share = 0.5 > 0.3 for 2 runs');
      expect(mails[0].data).toContain('X-Kiln-Alert: a-1');
    } finally {
      await new Promise<void>((r) => smtp.close(() => r()));
    }
    await expect(checkChannel(parseChannelSpec('email:oncall@example.com'), { outbound: {}, smtp: null })).rejects.toThrow(/KILN_SMTP_URL is not set/);
    expect((await deliverToChannel(parseChannelSpec('email:oncall@example.com'), note, fast)).attempts[0].error).toMatch(/KILN_SMTP_URL/);
    expect(() => smtpSettingsFromEnv({ KILN_SMTP_URL: 'http://mail' })).toThrow(/smtp: or smtps:/);
    expect(smtpSettingsFromEnv({})).toBeNull();
  });
});
