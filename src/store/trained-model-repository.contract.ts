/**
 * Conformance suite for `metadata.trainedModels`. The SQLite and PostgreSQL test files call
 * `describeTrainedModelRepositoryContract` with a harness factory, so both are held to the same
 * behaviour: round trips, conflicts, keyset paging, filters, transactions and field validation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, UsageError } from '../core/errors.js';
import type { MetadataStoreHarness } from './metadata-store.contract.js';
import type { MetadataStore } from './metadata-store.js';
import type { NewTrainedModel } from './trained-model-repository.js';

/** A deterministic record; `n` varies every field. */
export function trainedModelFixture(n: number, overrides: Partial<NewTrainedModel> = {}): NewTrainedModel {
  return {
    id: `model-${String(n).padStart(3, '0')}`,
    artifactHash: `${n}`.padStart(64, 'b'),
    algorithm: n % 2 ? 'gbdt' : 'logistic',
    task: 'binary',
    target: 'Churn é',
    sourceKind: 'dataset',
    dataset: { name: n % 3 ? 'telco' : 'adult', version: n, hash: `content-${n}` },
    params: { numTrees: 100 + n, learningRate: 0.1, nested: { a: [1, null, 'x'] } },
    metrics: { roc_auc: 0.8 + n / 1000, log_loss: 0.4 },
    createdAt: `2024-02-${String(1 + (n % 28)).padStart(2, '0')}T00:00:00.000Z`,
    ...overrides,
  };
}

/** Registers the conformance tests for one adapter. */
export function describeTrainedModelRepositoryContract(label: string, createHarness: () => Promise<MetadataStoreHarness>): void {
  describe(`TrainedModelRepository contract: ${label}`, () => {
    let harness: MetadataStoreHarness;
    let store: MetadataStore;
    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('never shows one project the models of another; gc references span all', async () => {
      const a = store.inProject('team-a').trainedModels;
      const b = store.inProject('team-b').trainedModels;
      await a.create(trainedModelFixture(1));
      await b.create(trainedModelFixture(2, { artifactHash: trainedModelFixture(1).artifactHash }));
      expect((await a.list()).items.map((m) => m.id)).toEqual(['model-001']);
      expect((await b.list({ datasetName: 'adult' })).items).toEqual([]);
      expect((await b.list({ datasetName: 'telco' })).items.map((m) => m.id)).toEqual(['model-002']);
      expect(await b.get('model-001')).toBeNull();
      expect(await store.trainedModels.list()).toEqual({ items: [], next: null });
      expect(await store.trainedModels.countArtifactReferences(trainedModelFixture(1).artifactHash)).toBe(2);
      await b.create(trainedModelFixture(3));
      const hashes: string[] = [];
      for await (const h of store.trainedModels.artifactHashes(1)) hashes.push(h);
      expect(hashes).toEqual([trainedModelFixture(1).artifactHash, trainedModelFixture(1).artifactHash, trainedModelFixture(3).artifactHash]);
    });

    it('starts empty', async () => {
      expect(await store.trainedModels.list()).toEqual({ items: [], next: null });
      expect(await store.trainedModels.get('nope')).toBeNull();
    });

    it('stores every field and returns it verbatim', async () => {
      const fromDataset = trainedModelFixture(1, { dataset: { name: 'telco', version: 2 ** 40 + 3, hash: 'h' } });
      const fromFile = trainedModelFixture(2, { sourceKind: 'file', dataset: null });
      expect(await store.trainedModels.create(fromDataset)).toEqual(fromDataset);
      await store.trainedModels.create(fromFile);
      expect(await store.trainedModels.get(fromDataset.id)).toEqual(fromDataset);
      expect(await store.trainedModels.get(fromFile.id)).toEqual(fromFile);
    });

    it('counts the models that reference a bundle artifact', async () => {
      const shared = 'c'.repeat(64);
      await store.trainedModels.create(trainedModelFixture(1, { artifactHash: shared }));
      await store.trainedModels.create(trainedModelFixture(2, { artifactHash: shared }));
      expect(await store.trainedModels.countArtifactReferences(shared)).toBe(2);
      expect(await store.trainedModels.countArtifactReferences('d'.repeat(64))).toBe(0);
    });

    it('refuses a duplicate id with a ConflictError', async () => {
      await store.trainedModels.create(trainedModelFixture(1));
      await expect(store.trainedModels.create(trainedModelFixture(1, { algorithm: 'other' }))).rejects.toBeInstanceOf(ConflictError);
      expect((await store.trainedModels.get('model-001'))?.algorithm).toBe('gbdt');
    });

    it('lists newest first and pages with a cursor, without gaps or repeats', async () => {
      // Two pairs share a timestamp: ties are ordered by id, descending.
      const models = [1, 2, 3, 4, 5].map((n) => trainedModelFixture(n, { createdAt: `2024-03-0${Math.ceil(n / 2)}T00:00:00.000Z` }));
      for (const m of models) await store.trainedModels.create(m);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const res = await store.trainedModels.list({ limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...res.items.map((m) => m.id));
        if (!res.next) break;
        cursor = res.next;
      }
      expect(seen).toEqual(['model-005', 'model-004', 'model-003', 'model-002', 'model-001']);
      // A model added after the first page does not shift the later pages.
      const first = await store.trainedModels.list({ limit: 2 });
      await store.trainedModels.create(trainedModelFixture(9, { createdAt: '2025-01-01T00:00:00.000Z' }));
      const second = await store.trainedModels.list({ limit: 2, cursor: first.next ?? undefined });
      expect(second.items.map((m) => m.id)).toEqual(['model-003', 'model-002']);
    });

    it('filters by dataset name', async () => {
      for (const n of [1, 2, 3, 4]) await store.trainedModels.create(trainedModelFixture(n));
      await store.trainedModels.create(trainedModelFixture(5, { sourceKind: 'frame', dataset: null }));
      const adult = await store.trainedModels.list({ datasetName: 'adult' });
      expect(adult.items.map((m) => m.id)).toEqual(['model-003']);
      expect((await store.trainedModels.list({ datasetName: 'telco' })).items.map((m) => m.id)).toEqual(['model-004', 'model-002', 'model-001']);
    });

    it('rejects bad paging arguments naming the field', async () => {
      for (const limit of [0, 1001, 1.5, Number.NaN]) {
        await expect(store.trainedModels.list({ limit })).rejects.toMatchObject({ code: 'usage', details: { field: 'limit' } });
      }
      for (const cursor of ['%%%', 'bm90IGpzb24', Buffer.from('[1,2]').toString('base64url'), "x' or 1=1 --"]) {
        await expect(store.trainedModels.list({ cursor })).rejects.toMatchObject({ code: 'usage', details: { field: 'cursor' } });
      }
    });

    it('rejects malformed records naming the field', async () => {
      const cases: [Partial<NewTrainedModel>, string][] = [
        [{ id: '' }, 'id'],
        [{ artifactHash: '' }, 'artifactHash'],
        [{ sourceKind: 'url' as NewTrainedModel['sourceKind'] }, 'sourceKind'],
        [{ sourceKind: 'file' }, 'dataset'],
        [{ dataset: null }, 'dataset'],
        [{ metrics: { auc: Number.NaN } }, 'metrics'],
        [{ params: [] as unknown as Record<string, unknown> }, 'params'],
      ];
      for (const [override, field] of cases) {
        const err = await store.trainedModels.create(trainedModelFixture(1, override)).catch((e: unknown) => e);
        expect(err, field).toBeInstanceOf(UsageError);
        expect((err as UsageError).details.field).toBe(field);
      }
      expect((await store.trainedModels.list()).items).toEqual([]);
    });

    it('takes part in transactions and persists across reopen', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.trainedModels.create(trainedModelFixture(1));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.trainedModels.get('model-001')).toBeNull();
      await store.transaction(async (tx) => {
        await tx.trainedModels.create(trainedModelFixture(2));
      });
      const again = await harness.reopen();
      expect(await again.trainedModels.get('model-002')).toEqual(trainedModelFixture(2));
    });
  });
}
