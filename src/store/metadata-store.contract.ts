/**
 * Conformance suite for the `MetadataStore` itself (what is not one repository's business):
 * transactions across repositories, readiness, closing, reopening. Each repository has its own suite
 * beside its port (`<name>-repository.contract.ts`); every adapter's test files run all of them with a
 * `MetadataStoreHarness`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { datasetVersionFixture } from './dataset-repository.contract.js';
import type { MetadataStore } from './metadata-store.js';

/** A fresh, empty, migrated database for one test. */
export interface MetadataStoreHarness {
  store: MetadataStore;
  /** Opens another store over the same database (sees what was committed; runs migrations again). */
  reopen(): Promise<MetadataStore>;
  /** Closes every store it opened and removes the database. */
  dispose(): Promise<void>;
}

/** Registers the store-level conformance tests for one adapter. */
export function describeMetadataStoreContract(label: string, createHarness: () => Promise<MetadataStoreHarness>): void {
  describe(`MetadataStore contract: ${label}`, () => {
    let harness: MetadataStoreHarness;
    let store: MetadataStore;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('answers ping (readiness) inside and outside a transaction', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await expect(store.transaction((tx) => tx.ping())).resolves.toBeUndefined();
    });

    it('commits a transaction as a whole, through the same repository objects', async () => {
      const out = await store.transaction(async (tx) => {
        await tx.datasets.createVersion(datasetVersionFixture('a', 1));
        await tx.datasets.createVersion(datasetVersionFixture('a', 2));
        // Nested transactions join the outer one.
        await tx.transaction((inner) => inner.datasets.createVersion(datasetVersionFixture('b', 1)));
        expect((await tx.datasets.listVersions('a')).items.length).toBe(2);
        return 'done';
      });
      expect(out).toBe('done');
      expect((await store.datasets.list()).items.map((d) => d.name)).toEqual(['a', 'b']);
    });

    it('rolls a failed transaction back completely', async () => {
      await store.datasets.createVersion(datasetVersionFixture('kept', 1));
      const boom = new Error('boom');
      await expect(
        store.transaction(async (tx) => {
          await tx.datasets.createVersion(datasetVersionFixture('kept', 2));
          await tx.datasets.createVersion(datasetVersionFixture('fresh', 1));
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.datasets.getVersion('fresh', 'latest')).toBeNull();
      expect((await store.datasets.list()).items).toEqual([expect.objectContaining({ name: 'kept', latestVersion: 1, versions: 1 })]);
      // The version number given out inside the rolled-back transaction is free again.
      expect(await store.datasets.createVersion(datasetVersionFixture('kept', 3))).toEqual({ version: 2, created: true });
    });

    it('rolls back a transaction whose repository call failed validation', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.datasets.createVersion(datasetVersionFixture('half', 1));
          await tx.datasets.createVersion(datasetVersionFixture('half', 2, { rows: -1 }));
        }),
      ).rejects.toBeInstanceOf(UsageError);
      expect((await store.datasets.list()).items).toEqual([]);
    });

    it('keeps a project view and its transactions in that project', async () => {
      const a = store.inProject('team-a');
      expect(a.project).toBe('team-a');
      expect(store.project).toBe('default');
      expect(a.inProject('team-a')).toBe(a);
      await a.transaction(async (tx) => {
        expect(tx.project).toBe('team-a');
        await tx.datasets.createVersion(datasetVersionFixture('t', 1));
      });
      expect((await a.datasets.list()).items.map((d) => d.name)).toEqual(['t']);
      expect((await store.datasets.list()).items).toEqual([]);
      expect(() => store.inProject('')).toThrow(UsageError);
    });

    it('refuses close() on a transaction', async () => {
      await expect(store.transaction((tx) => tx.close())).rejects.toBeInstanceOf(UsageError);
    });

    it('persists across reopen and re-running migrations is a no-op', async () => {
      await store.datasets.createVersion(datasetVersionFixture('iris', 1));
      const second = await harness.reopen();
      expect(second.dialect).toBe(store.dialect);
      expect((await second.datasets.getVersion('iris', 1))?.hash).toBe('content-1');
      expect(await second.datasets.createVersion(datasetVersionFixture('iris', 2))).toEqual({ version: 2, created: true });
      expect((await store.datasets.getVersion('iris', 'latest'))?.version).toBe(2);
    });
  });
}
