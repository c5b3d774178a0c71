/**
 * End-to-end CLI: tokens, projects and the audit log (verify detects an edited entry; export is NDJSON),
 * and PII: `data suggest --mask-out` proposes a policy, `data register --mask` stores no raw emails or cards.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openKiln } from '../../src/kiln.js';
import { cellValue } from '../../src/core/frame.js';
import { readFrame } from '../../src/data/io/read-frame.js';
import { json, REPO, runKiln, tempDir } from './run-kiln.js';

const PII = join(REPO, 'test/fixtures/pii-customers.csv');

describe('kiln tokens, projects, audit', () => {
  it('creates, lists and revokes tokens; creates projects; audits it all; verify detects an edit', async () => {
    const home = await tempDir();
    expect((await runKiln(['projects', 'create', 'risk', '--description', 'credit risk'], { home })).code).toBe(0);
    const projects = json<{ projects: { name: string }[] }>(await runKiln(['projects', 'list', '--json'], { home }));
    expect(projects.projects.map((p) => p.name)).toEqual(['default', 'risk']);
    const created = json<{ token: string; record: { id: string; grants: unknown[] } }>(await runKiln(['tokens', 'create', '--name', 'churn app', '--role', 'predictor', '--project', 'risk', '--endpoint', 'churn', '--json'], { home }));
    expect(created.token).toMatch(/^kiln_/);
    expect(created.record.grants).toEqual([{ project: 'risk', role: 'predictor', resources: { endpoints: ['churn'] } }]);
    expect((await runKiln(['tokens', 'create', '--name', 'x', '--role', 'root'], { home })).code).toBe(2);
    const listed = await runKiln(['tokens', 'list', '--json'], { home });
    expect(listed.stdout).not.toContain(created.token.slice(18));
    expect(listed.stdout).not.toContain('secretHash');
    expect((await runKiln(['tokens', 'revoke', created.record.id], { home })).code).toBe(0);
    await writeFile(join(home, 'small.csv'), 'a,b\n1,x\n2,y\n');
    expect((await runKiln(['data', 'register', join(home, 'small.csv'), '--name', 'small'], { home })).code).toBe(0);

    const all = json<{ entries: { seq: number; action: string; actor: string; resourceId: string }[] }>(await runKiln(['audit', 'list', '--json'], { home }));
    expect(all.entries.map((e) => e.action)).toEqual(['dataset.register', 'token.revoke', 'token.create', 'project.create']);
    for (const e of all.entries) expect(e.actor).toMatch(/^local:/);
    const tokensOnly = json<{ entries: { action: string }[] }>(await runKiln(['audit', 'list', '--resource', `tokens:${created.record.id}`, '--json'], { home }));
    expect(tokensOnly.entries.map((e) => e.action)).toEqual(['token.revoke', 'token.create']);

    const ok = await runKiln(['audit', 'verify'], { home });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/intact: 4 entries/);
    const out = join(home, 'audit.ndjson');
    expect((await runKiln(['audit', 'export', '--out', out], { home })).code).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);

    const db = new Database(join(home, 'kiln.db'));
    db.prepare("update audit_log set actor = 'local:someone-else' where seq = 2").run();
    db.close();
    const broken = await runKiln(['audit', 'verify', '--json'], { home });
    expect(broken.code).toBe(1);
    expect(json(broken)).toMatchObject({ ok: false, brokenAt: { seq: 2 } });
  }, 120_000);
});

describe('PII masking', () => {
  it('suggests a masking policy and registers the data masked', async () => {
    const home = await tempDir();
    const policy = join(home, 'mask.json');
    const suggested = await runKiln(['data', 'suggest', PII, '--mask-out', policy], { home });
    expect(suggested.code, suggested.stderr).toBe(0);
    const doc = JSON.parse(await readFile(policy, 'utf8')) as { rules: { column: string; action: string }[] };
    const byColumn = Object.fromEntries(doc.rules.map((r) => [r.column, r.action]));
    expect(byColumn).toMatchObject({ email: 'hash', card_number: 'partial', iban: 'partial', ssn: 'redact', last_ip: 'redact', full_name: 'hash', phone: 'partial' });
    expect(byColumn.segment).toBeUndefined();

    const profile = json<{ columns: { name: string; pii: { kind: string } | null }[] }>(await runKiln(['data', 'profile', PII, '--json'], { home }));
    const kinds = Object.fromEntries(profile.columns.map((c) => [c.name, c.pii?.kind ?? null]));
    expect(kinds).toMatchObject({ email: 'email', card_number: 'payment_card', iban: 'iban', ssn: 'national_id', last_ip: 'ip_address', segment: null, balance: null });

    const reg = await runKiln(['data', 'register', PII, '--name', 'customers', '--mask', policy, '--json'], { home });
    expect(reg.code, reg.stderr).toBe(0);
    const salt = await stat(join(home, 'pii-salt'));
    expect(salt.mode & 0o777).toBe(0o600);
    const kiln = await openKiln({ home, databaseUrl: undefined });
    try {
      const resolved = await kiln.datasets.resolveReference('customers@1');
      const frame = await readFrame(resolved.path, resolved.readOptions);
      const raw = await readFile(PII, 'utf8');
      const emails = raw.match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? [];
      expect(emails.length).toBeGreaterThan(100);
      const values = (n: string): string[] => Array.from({ length: frame.rowCount }, (_, i) => String(cellValue(frame.column(n), i) ?? ''));
      for (const e of values('email')) expect(e).toMatch(/^([0-9a-f]{64})?$/);
      for (const c of values('card_number')) expect(c.replace(/\D/g, '').length, c).toBeLessThanOrEqual(4);
      for (const v of values('ssn')) expect(v).toBe('[redacted]');
      for (const n of frame.names) for (const v of values(n)) expect(v).not.toMatch(/@example\.com/);
      expect(frame.rowCount).toBe(200);
      const entry = (await kiln.security.listAudit({ resourceType: 'datasets' })).items[0];
      expect(entry).toMatchObject({ action: 'dataset.register', resourceId: 'customers@1' });
    } finally {
      await kiln.close();
    }
    expect((await runKiln(['data', 'register', PII, '--name', 'c2', '--mask', join(home, 'missing.json')], { home })).code).toBe(2);
  }, 120_000);
});
