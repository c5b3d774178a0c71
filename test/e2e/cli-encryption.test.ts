/**
 * End-to-end encryption at rest through the real CLI: a dataset registered with KILN_MASTER_KEY reads back
 * (profile), its artifact bytes hold no plaintext (the same run without a key does, so the check can fail),
 * a missing or wrong key fails clearly naming KILN_MASTER_KEY, `kiln keys rotate` re-wraps under a new key
 * (audited) after which the old key alone no longer reads and the new one does, a tampered blob is detected,
 * and a group-readable key file is refused. An alert webhook's signing secret is sealed in the metadata
 * database with the key (the row, read with SQLite, does not hold it), counted by `keys status`, re-wrapped by
 * `keys rotate`; without a key it is stored plain with a warning, and `--encrypt-plain` seals it.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

const K1 = randomBytes(32).toString('hex');
const K2 = randomBytes(32).toString('hex');

async function blobFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const folder of await readdir(root).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(folder)) continue;
    for (const name of await readdir(join(root, folder))) out.push(join(root, folder, name));
  }
  return out;
}

async function anyBlobContains(root: string, text: string): Promise<boolean> {
  for (const file of await blobFiles(root)) if ((await readFile(file)).includes(text)) return true;
  return false;
}

const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789abcdef';

/** The alert rule's row as the metadata database holds it. */
function ruleRow(home: string, name: string): string {
  const db = new Database(join(home, 'kiln.db'), { readonly: true });
  try {
    return (db.prepare('select document from alert_rules where name = ?').get(name) as { document: string }).document;
  } finally {
    db.close();
  }
}

async function createWebhookRule(home: string, env?: Record<string, string>) {
  return runKiln(['alerts', 'rules', 'create', 'leak', '--monitor', 'quality', '--rule', 'auc < 0.7', '--channel', 'webhook:https://93.184.215.14/hook', '--webhook-secret', WEBHOOK_SECRET, '--json'], { home, ...(env ? { env } : {}) });
}

async function customers(home: string): Promise<string> {
  const rows = ['id,email,score,city'];
  for (let i = 0; i < 200; i++) rows.push(`${i},user${i}.confidential@example.org,${(i * 7) % 13},${i % 2 ? 'Lisbon' : 'Porto'}`);
  const file = join(home, 'customers.csv');
  await writeFile(file, `${rows.join('\n')}\n`);
  return file;
}

describe('encryption at rest (CLI)', () => {
  it('registers encrypted, reads back, fails clearly without the key, rotates, detects tampering', async () => {
    const home = await tempDir();
    const file = await customers(home);
    const withK1 = { KILN_MASTER_KEY: K1 };
    expect((await runKiln(['data', 'register', file, '--name', 'customers'], { home, env: withK1 })).code).toBe(0);
    const artifacts = join(home, 'artifacts');
    // A model trained on it (bundle and run artifacts go into the store too), scored from the store.
    const trained = await runKiln(['train', '--data', 'customers@1', '--target', 'city', '--exclude', 'id,email', '--params', '{"numTrees":5}', '--out', join(home, 'model.kiln.json'), '--json'], { home, env: withK1 });
    expect(trained.code, trained.stderr).toBe(0);
    const scored = await runKiln(['predict', '--model', join(home, 'model.kiln.json'), '--data', 'customers@1', '--out', join(home, 'pred.csv'), '--json'], { home, env: withK1 });
    expect(scored.code, scored.stderr).toBe(0);
    expect((await readFile(join(home, 'pred.csv'), 'utf8')).trim().split('\n')).toHaveLength(201);
    expect(await anyBlobContains(artifacts, 'confidential@example.org')).toBe(false);
    expect(await anyBlobContains(artifacts, 'kiln.model')).toBe(false);
    expect((await blobFiles(artifacts)).length).toBeGreaterThanOrEqual(2);
    for (const blob of await blobFiles(artifacts)) expect((await readFile(blob)).subarray(0, 8).toString()).toBe('KILNENC1');

    const profile = await runKiln(['data', 'profile', 'customers@1', '--json'], { home, env: withK1 });
    expect(profile.code, profile.stderr).toBe(0);
    expect(JSON.stringify(json(profile))).toContain('"rows":200');

    const none = await runKiln(['data', 'profile', 'customers@1', '--json'], { home });
    expect(none.code).toBe(2);
    expect(none.stdout + none.stderr).toMatch(/encrypted at rest.*KILN_MASTER_KEY/);
    const wrong = await runKiln(['data', 'profile', 'customers@1'], { home, env: { KILN_MASTER_KEY: K2 } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/master key [0-9a-f]{16}, which is not configured \(KILN_MASTER_KEY/);

    const rule = await createWebhookRule(home, withK1);
    expect(rule.code, rule.stderr).toBe(0);
    expect(json(rule)).toMatchObject({ rule: { channels: [{ secret: WEBHOOK_SECRET, secretStorage: 'encrypted' }] }, warnings: [] });
    expect(rule.stderr).not.toMatch(/warning/);
    expect(ruleRow(home, 'leak')).not.toContain(WEBHOOK_SECRET);
    // Lists and show need no key (they never open the secret).
    expect(json(await runKiln(['alerts', 'rules', 'show', 'leak', '--json'], { home }))).toMatchObject({ rule: { channels: [{ secret: '[hidden]', secretStorage: 'encrypted' }] } });

    const status = json<{ enabled: boolean; encrypted: number; plain: number; keys: { id: string; configured: boolean }[]; alertSecrets: unknown }>(await runKiln(['keys', 'status', '--json'], { home, env: withK1 }));
    expect(status.alertSecrets).toMatchObject({ channels: 1, encrypted: 1, plain: 0, keys: [{ configured: true, active: true }] });
    expect(status.enabled).toBe(true);
    expect(status.plain).toBe(0);
    expect(status.encrypted).toBe((await blobFiles(artifacts)).length);
    expect(status.keys).toHaveLength(1);

    const rotated = await runKiln(['keys', 'rotate', '--json'], { home, env: { KILN_MASTER_KEY: K2, KILN_MASTER_KEYS_OLD: K1 } });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(json(rotated)).toMatchObject({ rewrapped: status.encrypted, current: 0, failed: [], alertSecrets: { rewrapped: 1, current: 0, failed: [] } });
    const resumed = json(await runKiln(['keys', 'rotate', '--json'], { home, env: { KILN_MASTER_KEY: K2, KILN_MASTER_KEYS_OLD: K1 } }));
    expect(resumed).toMatchObject({ rewrapped: 0, current: status.encrypted, alertSecrets: { rewrapped: 0, current: 1 } });
    expect(ruleRow(home, 'leak')).not.toContain(WEBHOOK_SECRET);
    const audit = json<{ entries: { action: string; resourceType: string }[] }>(await runKiln(['audit', 'list', '--json'], { home }));
    expect(audit.entries.filter((e) => e.action === 'keys.rotate' && e.resourceType === 'artifacts')).toHaveLength(2);
    expect(audit.entries.filter((e) => e.action === 'keys.rotate' && e.resourceType === 'alert-channel-secrets')).toHaveLength(2);

    expect((await runKiln(['data', 'profile', 'customers@1', '--json'], { home, env: { KILN_MASTER_KEY: K2 } })).code).toBe(0);
    expect((await runKiln(['data', 'profile', 'customers@1'], { home, env: withK1 })).code).toBe(2);

    for (const blob of await blobFiles(artifacts)) {
      const bytes = await readFile(blob);
      bytes[bytes.length - 5] ^= 0x10;
      await writeFile(blob, bytes);
    }
    const tampered = await runKiln(['data', 'profile', 'customers@1'], { home, env: { KILN_MASTER_KEY: K2 } });
    expect(tampered.code).toBe(3);
    expect(tampered.stderr).toMatch(/tampered/);
  }, 180_000);

  it('stores plaintext without a key (so the check above can fail) and refuses a readable key file', async () => {
    const home = await tempDir();
    const file = await customers(home);
    expect((await runKiln(['data', 'register', file, '--name', 'customers'], { home })).code).toBe(0);
    expect(await anyBlobContains(join(home, 'artifacts'), 'confidential@example.org')).toBe(true);
    expect(json(await runKiln(['keys', 'status', '--json'], { home }))).toMatchObject({ enabled: false, encrypted: 0 });
    const rule = await createWebhookRule(home);
    expect(rule.code, rule.stderr).toBe(0);
    expect(rule.stderr).toMatch(/warning: the webhook signing secret of alert rule "leak" is stored as plain text/);
    expect(json(rule)).toMatchObject({ rule: { channels: [{ secretStorage: 'plaintext' }] }, warnings: [expect.stringMatching(/KILN_MASTER_KEY is not set/)] });
    expect(ruleRow(home, 'leak')).toContain(WEBHOOK_SECRET);
    const keyFile = join(home, 'master.key');
    await writeFile(keyFile, K1);
    await chmod(keyFile, 0o640);
    const refused = await runKiln(['data', 'list'], { home, env: { KILN_MASTER_KEY_FILE: keyFile } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/KILN_MASTER_KEY_FILE .* is readable by others/);
    await chmod(keyFile, 0o600);
    const encrypted = await runKiln(['keys', 'rotate', '--encrypt-plain', '--json'], { home, env: { KILN_MASTER_KEY_FILE: keyFile } });
    expect(encrypted.code, encrypted.stderr).toBe(0);
    expect(await anyBlobContains(join(home, 'artifacts'), 'confidential@example.org')).toBe(false);
    expect(json(encrypted)).toMatchObject({ alertSecrets: { encryptedPlain: 1, plain: 0, failed: [] } });
    expect(ruleRow(home, 'leak')).not.toContain(WEBHOOK_SECRET);
    expect(json(await runKiln(['alerts', 'rules', 'show', 'leak', '--json'], { home }))).toMatchObject({ rule: { channels: [{ secretStorage: 'encrypted' }] } });
    expect((await runKiln(['data', 'profile', 'customers@1', '--json'], { home, env: { KILN_MASTER_KEY_FILE: keyFile } })).code).toBe(0);
  }, 180_000);
});
