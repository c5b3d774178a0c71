/**
 * Conformance suite for `metadata.models`. The SQLite and PostgreSQL test files call
 * `describeModelRegistryRepositoryContract` with a harness factory, so both are held to the same
 * behaviour: version numbering, round trips, resolution, alias compare-and-set under real concurrency
 * (two connections), one production per model, approvals, delete refusals, lineage, paging, bounds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UsageError } from '../core/errors.js';
import type { MetadataStoreHarness } from './metadata-store.contract.js';
import type { MetadataStore } from './metadata-store.js';
import type { NewModelVersion } from './model-registry-repository.js';

const T0 = '2026-01-01T00:00:00.000Z';

/** A deterministic new version of `name`; `n` varies the hash. */
export function modelVersionFixture(name: string, n: number, overrides: Partial<NewModelVersion> = {}): NewModelVersion {
  return {
    project: 'default',
    name,
    format: 'kiln-bundle',
    artifactHash: `${n}`.padStart(64, 'a'),
    checksum: `${n}`.padStart(64, 'c'),
    size: 1000 + n,
    source: { kind: 'run', runId: `run-${n}`, file: null },
    description: `version ${n} é`,
    tags: { team: 'risk' },
    task: 'binary',
    algorithm: 'gbdt',
    evaluation: { dataset: { name: 'churn', version: 1, hash: 'h1' }, split: 'holdout(seed=42)', metrics: { roc_auc: 0.8 + n / 100, log_loss: 0.4 } },
    trainingDatasets: [{ name: 'churn', version: 1, hash: 'h1' }],
    parentVersion: null,
    createdAt: T0,
    createdBy: 'local:test',
    ...overrides,
  };
}

/** Registers the conformance tests for one adapter. */
export function describeModelRegistryRepositoryContract(label: string, createHarness: () => Promise<MetadataStoreHarness>): void {
  describe(`ModelRegistryRepository contract: ${label}`, () => {
    let harness: MetadataStoreHarness;
    let store: MetadataStore;
    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    const ensure = (name: string, project = 'default') => store.models.ensureModel({ project, name, createdAt: T0, createdBy: 'local:test' });

    it('creates models idempotently and numbers versions 1, 2, 3 per model and project', async () => {
      const m = await ensure('churn');
      expect(m).toMatchObject({ project: 'default', name: 'churn', latestVersion: 0, description: null, tags: {}, gatePolicy: null });
      expect(await ensure('churn')).toEqual(m);
      await ensure('churn', 'other');
      const v1 = await store.models.createVersion(modelVersionFixture('churn', 1));
      const v2 = await store.models.createVersion(modelVersionFixture('churn', 2));
      const o1 = await store.models.createVersion(modelVersionFixture('churn', 3, { project: 'other' }));
      expect([v1.version, v2.version, o1.version]).toEqual([1, 2, 1]);
      expect(v1).toMatchObject({ status: 'pending', stage: 'none', description: 'version 1 é', tags: { team: 'risk' }, source: { kind: 'run', runId: 'run-1', file: null } });
      expect(await store.models.getVersion('default', 'churn', 1)).toEqual(v1);
      expect((await store.models.getModel('default', 'churn'))?.latestVersion).toBe(2);
      expect(await store.models.getVersion('default', 'churn', 9)).toBeNull();
    });

    it('refuses a version of a missing model, a missing parent and malformed fields', async () => {
      await expect(store.models.createVersion(modelVersionFixture('ghost', 1))).rejects.toBeInstanceOf(NotFoundError);
      await ensure('churn');
      await expect(store.models.createVersion(modelVersionFixture('churn', 1, { parentVersion: 7 }))).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.models.createVersion(modelVersionFixture('churn', 1, { format: 'pickle' as 'onnx' }))).rejects.toBeInstanceOf(UsageError);
      await expect(store.models.createVersion(modelVersionFixture('churn', 1, { description: 'a\u0000b' }))).rejects.toBeInstanceOf(UsageError);
      await expect(store.models.createVersion(modelVersionFixture('churn', 1, { evaluation: { dataset: null, split: 'full', metrics: { auc: Number.NaN } } }))).rejects.toBeInstanceOf(UsageError);
      await expect(store.models.getVersion('default', 'churn', 0)).rejects.toBeInstanceOf(UsageError);
      await expect(store.models.getVersion('default', 'churn', 2 ** 53)).rejects.toBeInstanceOf(UsageError);
      expect((await store.models.getModel('default', 'churn'))?.latestVersion).toBe(0);
    });

    it('keeps hostile names verbatim as data', async () => {
      const name = "x'; drop table model_versions; --";
      await ensure(name);
      const v = await store.models.createVersion(modelVersionFixture(name, 1, { tags: { "k'\"": 'v\n<script>' } }));
      expect((await store.models.getVersion('default', name, v.version))?.tags).toEqual({ "k'\"": 'v\n<script>' });
      await expect(ensure('')).rejects.toBeInstanceOf(UsageError);
    });

    it('lists models and versions in keyset pages', async () => {
      for (const n of ['c', 'a', 'b']) await ensure(n);
      const p1 = await store.models.listModels('default', { limit: 2 });
      expect(p1.items.map((m) => m.name)).toEqual(['a', 'b']);
      const p2 = await store.models.listModels('default', { limit: 2, cursor: p1.next });
      expect(p2).toMatchObject({ items: [{ name: 'c' }], next: null });
      for (let i = 1; i <= 3; i++) await store.models.createVersion(modelVersionFixture('a', i));
      const v1 = await store.models.listVersions('default', 'a', { limit: 2 });
      expect(v1.items.map((v) => v.version)).toEqual([3, 2]);
      expect((await store.models.listVersions('default', 'a', { limit: 2, cursor: v1.next })).items.map((v) => v.version)).toEqual([1]);
      await expect(store.models.listVersions('default', 'a', { cursor: p1.next })).rejects.toBeInstanceOf(UsageError);
      await expect(store.models.listVersions('default', 'zz')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.models.listModels('default', { limit: 0 })).rejects.toBeInstanceOf(UsageError);
    });

    it('resolves by version, alias, stage and latest with the aliases of the version', async () => {
      await ensure('churn');
      for (let i = 1; i <= 3; i++) await store.models.createVersion(modelVersionFixture('churn', i));
      await store.models.setAlias('default', 'churn', 'champion', 2, undefined, T0, 'me');
      await store.models.setAlias('default', 'churn', 'blue', 2, undefined, T0, 'me');
      await store.models.setStage('default', 'churn', 1, 'production', true);
      expect(await store.models.resolve('default', 'churn', { kind: 'alias', alias: 'champion' })).toMatchObject({ version: 2, aliases: ['blue', 'champion'] });
      expect(await store.models.resolve('default', 'churn', { kind: 'version', version: 3 })).toMatchObject({ version: 3, aliases: [] });
      expect(await store.models.resolve('default', 'churn', { kind: 'latest' })).toMatchObject({ version: 3 });
      expect(await store.models.resolve('default', 'churn', { kind: 'stage', stage: 'production' })).toMatchObject({ version: 1, stage: 'production' });
      expect(await store.models.resolve('default', 'churn', { kind: 'stage', stage: 'staging' })).toBeNull();
      expect(await store.models.resolve('default', 'churn', { kind: 'alias', alias: 'nope' })).toBeNull();
      expect(await store.models.resolve('default', 'ghost', { kind: 'latest' })).toBeNull();
    });

    it('moves an alias by compare-and-set and refuses aliases on missing versions', async () => {
      await ensure('churn');
      for (let i = 1; i <= 3; i++) await store.models.createVersion(modelVersionFixture('churn', i));
      expect(await store.models.setAlias('default', 'churn', 'champion', 1, null, T0, 'me')).toEqual({ alias: 'champion', before: null, after: 1 });
      await expect(store.models.setAlias('default', 'churn', 'champion', 2, null, T0, 'me')).rejects.toBeInstanceOf(ConflictError);
      expect(await store.models.setAlias('default', 'churn', 'champion', 2, 1, T0, 'me')).toEqual({ alias: 'champion', before: 1, after: 2 });
      await expect(store.models.setAlias('default', 'churn', 'champion', 3, 1, T0, 'me')).rejects.toBeInstanceOf(ConflictError);
      await expect(store.models.setAlias('default', 'churn', 'champion', 9, undefined, T0, 'me')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.models.setAlias('default', 'ghost', 'champion', 1, undefined, T0, 'me')).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.models.listAliases('default', 'churn')).toEqual([{ alias: 'champion', version: 2, updatedAt: T0, updatedBy: 'me' }]);
      await expect(store.models.removeAlias('default', 'churn', 'champion', 1)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.models.removeAlias('default', 'churn', 'champion', 2)).toEqual({ alias: 'champion', before: 2, after: null });
      await expect(store.models.removeAlias('default', 'churn', 'champion', undefined)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('two concurrent moves from two connections that expect the same target: exactly one wins', async () => {
      await ensure('churn');
      for (let i = 1; i <= 3; i++) await store.models.createVersion(modelVersionFixture('churn', i));
      await store.models.setAlias('default', 'churn', 'champion', 1, undefined, T0, 'me');
      // Two connections on PostgreSQL. better-sqlite3 is synchronous: a second connection in this process
      // would block the thread on busy_timeout while the first waits for it, so SQLite shares one connection
      // (its transactions queue on the driver's mutex; across processes BEGIN IMMEDIATE queues them).
      const other = store.dialect === 'postgres' ? await harness.reopen() : store;
      for (let round = 0; round < 5; round++) {
        const current = (await store.models.resolve('default', 'churn', { kind: 'alias', alias: 'champion' }))?.version ?? 0;
        const [a, b] = [1, 2, 3].filter((v) => v !== current);
        const results = await Promise.allSettled([
          store.models.setAlias('default', 'churn', 'champion', a, current, T0, 'a'),
          other.models.setAlias('default', 'churn', 'champion', b, current, T0, 'b'),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
        const winner = (won[0] as PromiseFulfilledResult<{ after: number }>).value.after;
        expect((await other.models.resolve('default', 'churn', { kind: 'alias', alias: 'champion' }))?.version).toBe(winner);
      }
    });

    it('two concurrent first registrations of one model (ensure + version in one transaction) both succeed', async () => {
      const other = store.dialect === 'postgres' ? await harness.reopen() : store;
      const register = (s: MetadataStore, n: number) =>
        s.transaction(async (tx) => {
          await tx.models.ensureModel({ project: 'default', name: 'fresh', createdAt: T0, createdBy: `u${n}` });
          return tx.models.createVersion(modelVersionFixture('fresh', n));
        });
      const [a, b] = await Promise.all([register(store, 1), register(other, 2)]);
      expect([a.version, b.version].sort()).toEqual([1, 2]);
      expect((await store.models.getModel('default', 'fresh'))?.latestVersion).toBe(2);
    });

    it('keeps one production version unless told not to archive the others', async () => {
      await ensure('churn');
      for (let i = 1; i <= 3; i++) await store.models.createVersion(modelVersionFixture('churn', i));
      expect(await store.models.setStage('default', 'churn', 1, 'production', true)).toEqual({ version: 1, before: 'none', after: 'production', archived: [] });
      expect(await store.models.setStage('default', 'churn', 2, 'production', true)).toEqual({ version: 2, before: 'none', after: 'production', archived: [1] });
      expect((await store.models.getVersion('default', 'churn', 1))?.stage).toBe('archived');
      await store.models.setStage('default', 'churn', 3, 'production', false);
      expect((await store.models.getVersion('default', 'churn', 2))?.stage).toBe('production');
      await expect(store.models.setStage('default', 'churn', 9, 'staging', true)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.models.setStage('default', 'churn', 1, 'live' as 'none', true)).rejects.toBeInstanceOf(UsageError);
    });

    it('records approvals with the status, oldest first', async () => {
      await ensure('churn');
      await store.models.createVersion(modelVersionFixture('churn', 1));
      await store.models.recordApproval('default', 'churn', { version: 1, decision: 'override', actor: 'a', at: '2026-01-01T00:00:01.000Z', comment: 'gate waived' });
      const v = await store.models.recordApproval('default', 'churn', { version: 1, decision: 'approved', actor: 'b', at: '2026-01-01T00:00:02.000Z', comment: null });
      expect(v.status).toBe('approved');
      expect((await store.models.recordApproval('default', 'churn', { version: 1, decision: 'rejected', actor: 'c', at: '2026-01-01T00:00:03.000Z', comment: 'bias' })).status).toBe('rejected');
      expect((await store.models.listApprovals('default', 'churn', 1)).map((a) => a.decision)).toEqual(['override', 'approved', 'rejected']);
      await expect(store.models.recordApproval('default', 'churn', { version: 5, decision: 'approved', actor: 'b', at: T0, comment: null })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses to delete a version an alias or a stage points at, then deletes it', async () => {
      await ensure('churn');
      await store.models.createVersion(modelVersionFixture('churn', 1));
      await store.models.createVersion(modelVersionFixture('churn', 2));
      await store.models.setAlias('default', 'churn', 'champion', 1, undefined, T0, 'me');
      await store.models.setStage('default', 'churn', 2, 'production', true);
      await expect(store.models.deleteVersion('default', 'churn', 1)).rejects.toThrow(/alias\(es\) champion/);
      await expect(store.models.deleteVersion('default', 'churn', 2)).rejects.toThrow(/stage production/);
      await store.models.removeAlias('default', 'churn', 'champion', 1);
      expect((await store.models.deleteVersion('default', 'churn', 1)).version).toBe(1);
      expect(await store.models.getVersion('default', 'churn', 1)).toBeNull();
      await expect(store.models.deleteVersion('default', 'churn', 1)).rejects.toBeInstanceOf(NotFoundError);
      // Numbers are never reused.
      expect((await store.models.createVersion(modelVersionFixture('churn', 3))).version).toBe(3);
    });

    it('reports dataset usage and artifact hashes, and rolls back with a transaction', async () => {
      await ensure('churn');
      await store.models.createVersion(modelVersionFixture('churn', 1, { evaluation: { dataset: { name: 'holdout', version: 2, hash: 'h2' }, split: 'full', metrics: {} } }));
      await store.models.createVersion(modelVersionFixture('churn', 2));
      expect(await store.models.datasetUsage('other', 'churn', 1)).toEqual({ modelVersions: [], runIds: [] });
      expect(await store.models.datasetUsage('default', 'churn', 1)).toEqual({
        modelVersions: [
          { project: 'default', name: 'churn', version: 1, role: 'training' },
          { project: 'default', name: 'churn', version: 2, role: 'evaluation' },
          { project: 'default', name: 'churn', version: 2, role: 'training' },
        ],
        runIds: [],
      });
      expect((await store.models.datasetUsage('default', 'holdout', 2)).modelVersions).toEqual([{ project: 'default', name: 'churn', version: 1, role: 'evaluation' }]);
      const hashes: string[] = [];
      for await (const h of store.models.artifactHashes(1)) hashes.push(h);
      expect(hashes.sort()).toEqual([modelVersionFixture('c', 1).artifactHash, modelVersionFixture('c', 2).artifactHash].sort());
      await expect(
        store.transaction(async (tx) => {
          await tx.models.createVersion(modelVersionFixture('churn', 3));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await store.models.getModel('default', 'churn'))?.latestVersion).toBe(2);
    });

    it('updates model and version metadata', async () => {
      await ensure('churn');
      await store.models.createVersion(modelVersionFixture('churn', 1));
      const m = await store.models.updateModel('default', 'churn', { description: 'd', tags: { a: 'b' }, gatePolicy: { thresholds: ['auc >= 0.8'] }, updatedAt: '2026-02-01T00:00:00.000Z' });
      expect(m).toMatchObject({ description: 'd', tags: { a: 'b' }, gatePolicy: { thresholds: ['auc >= 0.8'] }, updatedAt: '2026-02-01T00:00:00.000Z' });
      expect((await store.models.updateVersion('default', 'churn', 1, { tags: { x: 'y' } })).tags).toEqual({ x: 'y' });
      await expect(store.models.updateModel('default', 'ghost', { updatedAt: T0 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.models.updateVersion('default', 'churn', 1, { tags: { a: 1 as unknown as string } })).rejects.toBeInstanceOf(UsageError);
    });
  });
}
