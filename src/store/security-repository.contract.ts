/**
 * Conformance suite for the security repositories (projects, API tokens, audit log). Each SQL adapter's
 * `*-security-repositories.test.ts` calls `describeSecurityRepositoriesContract` with its harness factory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetadataStoreHarness } from './metadata-store.contract.js';
import type { ApiTokenRecord, ApiTokenRepository, AuditEntryRecord, AuditRepository, ProjectRepository } from './security-repository.js';

/** The repositories under test over one fresh database. */
interface SecurityRepositoriesHarness {
  readonly projects: ProjectRepository;
  readonly tokens: ApiTokenRepository;
  readonly audit: AuditRepository;
  /** A second connection to the same database, for concurrent appends. */
  readonly otherAudit: AuditRepository;
  dispose(): Promise<void>;
}

/**
 * How the adapter is exercised. `secondConnection: false` for SQLite: better-sqlite3 waits for a busy
 * database synchronously, so a second connection in the same process would block the event loop the
 * first needs to commit; one connection serializes transactions (other processes wait on busy_timeout).
 */
export interface SecurityContractOptions {
  readonly secondConnection: boolean;
}

function token(i: number, overrides: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  return {
    id: `tok${String(i).padStart(9, '0')}`,
    name: `token ${i}`,
    prefix: `kiln_tok${i}`,
    secretHash: `scrypt$16384$8$1$salt${i}$hash${i}`,
    grants: [{ project: 'default', role: 'viewer' }, { project: 'p', role: 'predictor', resources: { endpoints: ['churn'] } }],
    superuser: i === 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'local:test',
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

function sealer(actor: string, action = 'dataset.register') {
  return (last: { seq: number; hash: string } | null): AuditEntryRecord => {
    const seq = last ? last.seq + 1 : 1;
    return {
      seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      actor,
      action,
      resourceType: 'datasets',
      resourceId: `d${seq % 3}`,
      project: 'default',
      before: null,
      after: { seq, nested: { é: '✓' } },
      requestId: `req-${seq}`,
      sourceAddress: '127.0.0.1',
      prevHash: last ? last.hash : '0'.repeat(64),
      hash: `${last?.hash.slice(0, 8) ?? 'genesis'}-${seq}`,
    };
  };
}

/** Registers the conformance tests for one adapter. */
export function describeSecurityRepositoriesContract(label: string, create: () => Promise<MetadataStoreHarness>, opts: SecurityContractOptions): void {
  describe(`security repositories contract: ${label}`, () => {
    let h: SecurityRepositoriesHarness;
    beforeEach(async () => {
      const base = await create();
      const other = opts.secondConnection ? await base.reopen() : base.store;
      h = { projects: base.store.projects, tokens: base.store.tokens, audit: base.store.audit, otherAudit: other.audit, dispose: () => base.dispose() };
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('has the default project; creates others once; pages by name', async () => {
      expect((await h.projects.get('default'))?.name).toBe('default');
      expect(await h.projects.create({ name: 'risk', description: null, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'local:a' })).toBe(true);
      expect(await h.projects.create({ name: 'risk', description: 'x', createdAt: '2026-01-02T00:00:00.000Z', createdBy: 'local:b' })).toBe(false);
      for (const n of ['a', 'b', 'c']) await h.projects.create({ name: n, description: null, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'local:a' });
      const first = await h.projects.list({ limit: 2 });
      expect(first.items.map((p) => p.name)).toEqual(['a', 'b']);
      const second = await h.projects.list({ limit: 2, cursor: first.next });
      expect(second.items.map((p) => p.name)).toEqual(['c', 'default']);
      const third = await h.projects.list({ limit: 2, cursor: second.next });
      expect(third).toEqual({ items: [expect.objectContaining({ name: 'risk' }) as unknown], next: null });
      await expect(h.projects.list({ cursor: 'garbage' })).rejects.toThrow(/cursor/);
      await expect(h.projects.list({ limit: 0 })).rejects.toThrow(/limit/);
    });

    it('stores tokens with grants, revokes once, records use, counts', async () => {
      expect(await h.tokens.count()).toBe(0);
      await h.tokens.create(token(0));
      await h.tokens.create(token(1));
      await expect(h.tokens.create(token(1))).rejects.toThrow(/already exists/);
      expect(await h.tokens.get('tok000000001')).toEqual(token(1));
      expect(await h.tokens.get('nope')).toBeNull();
      expect(await h.tokens.revoke('tok000000001', '2026-02-01T00:00:00.000Z')).toBe(true);
      expect(await h.tokens.revoke('tok000000001', '2026-02-02T00:00:00.000Z')).toBe(false);
      await h.tokens.touch('tok000000000', '2026-03-01T00:00:00.000Z');
      const all = await h.tokens.list();
      expect(all.items.map((t) => [t.id, t.revokedAt, t.lastUsedAt, t.superuser])).toEqual([
        ['tok000000000', null, '2026-03-01T00:00:00.000Z', true],
        ['tok000000001', '2026-02-01T00:00:00.000Z', null, false],
      ]);
      expect(await h.tokens.count()).toBe(2);
    });

    it('appends audit entries in sequence, filters newest first, scans oldest first', async () => {
      for (let i = 0; i < 7; i++) await h.audit.append(sealer(i % 2 === 0 ? 'local:ann' : 'token:x'));
      const page = await h.audit.list({}, { limit: 3 });
      expect(page.items.map((e) => e.seq)).toEqual([7, 6, 5]);
      expect((await h.audit.list({}, { limit: 3, cursor: page.next })).items.map((e) => e.seq)).toEqual([4, 3, 2]);
      expect((await h.audit.list({ actor: 'token:x' })).items.map((e) => e.seq)).toEqual([6, 4, 2]);
      expect((await h.audit.list({ resourceType: 'datasets', resourceId: 'd0' })).items.map((e) => e.seq)).toEqual([6, 3]);
      expect((await h.audit.list({ since: '2026-01-01T00:00:05.000Z' })).items.map((e) => e.seq)).toEqual([7, 6, 5]);
      const scanned: AuditEntryRecord[] = [];
      for await (const e of h.audit.scan(2)) scanned.push(e);
      expect(scanned.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(scanned[1]).toMatchObject({ prevHash: scanned[0].hash, after: { seq: 2, nested: { é: '✓' } }, requestId: 'req-2' });
    });

    it('never lets two concurrent appends follow the same entry', async () => {
      await h.audit.append(sealer('local:ann'));
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? h.audit : h.otherAudit).append(sealer(`w${i}`))));
      const scanned: AuditEntryRecord[] = [];
      for await (const e of h.audit.scan()) scanned.push(e);
      expect(scanned.map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
      for (let i = 1; i < scanned.length; i++) expect(scanned[i].prevHash).toBe(scanned[i - 1].hash);
    });
  });
}
