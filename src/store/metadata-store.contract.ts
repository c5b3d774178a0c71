/**
 * Conformance suite for the `MetadataStore` port. Every adapter's test file calls
 * `describeMetadataStoreContract` with a harness factory, so all backends are held to the same
 * behaviour: version allocation, idempotency, concurrency, transactions, and parametrized SQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import type { NewDatasetVersion } from './dataset-repository.js';
import type { MetadataStore } from './metadata-store.js';

/** A fresh, empty, migrated database for one test. */
export interface MetadataStoreHarness {
  store: MetadataStore;
  /** Opens another store over the same database (sees what was committed; runs migrations again). */
  reopen(): Promise<MetadataStore>;
  /** Closes every store it opened and removes the database. */
  dispose(): Promise<void>;
}

/** Registrations used by the suite: deterministic, every field distinct. */
export function datasetVersionFixture(name: string, n: number, overrides: Partial<NewDatasetVersion> = {}): NewDatasetVersion {
  return {
    name,
    hash: `content-${n}`,
    rows: 100 + n,
    columns: 3 + n,
    bytes: 4096 + n,
    schema: { columns: [{ name: 'x', type: 'numeric' }, { name: 'é ✓', type: 'categorical', categories: ['a', 'b'] }], n },
    profile: { rows: 100 + n, mean: 0.1 + n, missing: null, nested: { deep: [1, 2.5, -3e-9] } },
    artifactHash: `${n}`.padStart(64, 'a'),
    format: 'parquet',
    source: n % 2 === 0 ? null : `/data/input-${n}.csv`,
    createdAt: `2024-01-${String(1 + (n % 28)).padStart(2, '0')}T00:00:00.000Z`,
    ...overrides,
  };
}

/** Registers the conformance tests for one adapter. */
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

    it('starts empty', async () => {
      expect(await store.listDatasets()).toEqual([]);
      expect(await store.listDatasetVersions('iris')).toEqual([]);
      expect(await store.getDatasetVersion('iris', 'latest')).toBeNull();
      expect(await store.getDatasetVersion('iris', 1)).toBeNull();
    });

    it('stores every field of a version and returns it verbatim', async () => {
      const input = datasetVersionFixture('iris', 1, { rows: 3_000_000_001, bytes: 2 ** 40 + 7 });
      expect(await store.createDatasetVersion(input)).toEqual({ version: 1, created: true });
      const { name, hash, rows, columns, bytes, artifactHash, format, source, createdAt, schema, profile } = input;
      const expected = { name, version: 1, hash, rows, columns, bytes, artifactHash, format, source, createdAt, schema, profile };
      expect(await store.getDatasetVersion('iris', 1)).toEqual(expected);
      expect(await store.getDatasetVersion('iris', 'latest')).toEqual(expected);
      const { schema: _s, profile: _p, ...summary } = expected;
      expect(await store.listDatasetVersions('iris')).toEqual([summary]);
      expect(await store.getDatasetVersion('iris', 2)).toBeNull();
    });

    it('allocates versions 1, 2, 3 and tracks the latest', async () => {
      for (let n = 1; n <= 3; n++) expect(await store.createDatasetVersion(datasetVersionFixture('iris', n))).toEqual({ version: n, created: true });
      expect((await store.getDatasetVersion('iris', 'latest'))?.hash).toBe('content-3');
      expect((await store.getDatasetVersion('iris', 2))?.hash).toBe('content-2');
      expect((await store.listDatasetVersions('iris')).map((v) => v.version)).toEqual([1, 2, 3]);
      expect(await store.listDatasets()).toEqual([
        { name: 'iris', latestVersion: 3, versions: 3, updatedAt: datasetVersionFixture('iris', 3).createdAt },
      ]);
    });

    it('keeps version numbers per name and lists datasets by name', async () => {
      await store.createDatasetVersion(datasetVersionFixture('wine', 1));
      await store.createDatasetVersion(datasetVersionFixture('adult', 1));
      await store.createDatasetVersion(datasetVersionFixture('adult', 2));
      // The same content under another name is a new dataset, not a duplicate.
      expect(await store.createDatasetVersion(datasetVersionFixture('wine', 2))).toEqual({ version: 2, created: true });
      const list = await store.listDatasets();
      expect(list.map((d) => [d.name, d.latestVersion, d.versions])).toEqual([
        ['adult', 2, 2],
        ['wine', 2, 2],
      ]);
    });

    it('registers the same content idempotently', async () => {
      await store.createDatasetVersion(datasetVersionFixture('iris', 1));
      await store.createDatasetVersion(datasetVersionFixture('iris', 2));
      const again = await store.createDatasetVersion(datasetVersionFixture('iris', 1, { createdAt: '2030-01-01T00:00:00.000Z', source: 'elsewhere' }));
      expect(again).toEqual({ version: 1, created: false });
      expect((await store.listDatasetVersions('iris')).length).toBe(2);
      // The original registration is untouched.
      expect((await store.getDatasetVersion('iris', 1))?.createdAt).toBe(datasetVersionFixture('iris', 1).createdAt);
      expect((await store.listDatasets())[0]?.latestVersion).toBe(2);
    });

    it('gives concurrent registrations distinct versions 1..5', async () => {
      const results = await Promise.all([1, 2, 3, 4, 5].map((n) => store.createDatasetVersion(datasetVersionFixture('race', n))));
      expect(results.every((r) => r.created)).toBe(true);
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
      const versions = await store.listDatasetVersions('race');
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
      // Each returned version number points at the content that was registered with it.
      for (let i = 0; i < 5; i++) expect(versions[results[i]!.version - 1]?.hash).toBe(`content-${i + 1}`);
      expect(await store.listDatasets()).toEqual([expect.objectContaining({ name: 'race', latestVersion: 5, versions: 5 })]);
    });

    it('creates one version for concurrent registrations of the same content', async () => {
      const results = await Promise.all([1, 2, 3, 4].map(() => store.createDatasetVersion(datasetVersionFixture('same', 7))));
      expect(results.filter((r) => r.created).length).toBe(1);
      expect(results.every((r) => r.version === 1)).toBe(true);
      expect((await store.listDatasetVersions('same')).length).toBe(1);
    });

    it('commits a transaction as a whole', async () => {
      const out = await store.transaction(async (tx) => {
        await tx.createDatasetVersion(datasetVersionFixture('a', 1));
        await tx.createDatasetVersion(datasetVersionFixture('a', 2));
        // Nested transactions join the outer one.
        await tx.transaction((inner) => inner.createDatasetVersion(datasetVersionFixture('b', 1)));
        expect((await tx.listDatasetVersions('a')).length).toBe(2);
        return 'done';
      });
      expect(out).toBe('done');
      expect((await store.listDatasets()).map((d) => d.name)).toEqual(['a', 'b']);
    });

    it('rolls a failed transaction back completely', async () => {
      await store.createDatasetVersion(datasetVersionFixture('kept', 1));
      const boom = new Error('boom');
      await expect(
        store.transaction(async (tx) => {
          await tx.createDatasetVersion(datasetVersionFixture('kept', 2));
          await tx.createDatasetVersion(datasetVersionFixture('fresh', 1));
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.getDatasetVersion('fresh', 'latest')).toBeNull();
      expect(await store.listDatasets()).toEqual([expect.objectContaining({ name: 'kept', latestVersion: 1, versions: 1 })]);
      // The version number given out inside the rolled-back transaction is free again.
      expect(await store.createDatasetVersion(datasetVersionFixture('kept', 3))).toEqual({ version: 2, created: true });
    });

    it('refuses close() on a transaction', async () => {
      await expect(store.transaction((tx) => tx.close())).rejects.toBeInstanceOf(UsageError);
    });

    it('stores hostile names verbatim as data', async () => {
      const names = ["'; DROP TABLE x; --", "Robert'); DROP TABLE datasets;--", '../../x', 'données ✓ "quoted"', '%_', 'a\\b'];
      for (const [i, name] of names.entries()) await store.createDatasetVersion(datasetVersionFixture(name, i, { source: name }));
      const listed = await store.listDatasets();
      expect(listed.map((d) => d.name).sort()).toEqual([...names].sort());
      for (const name of names) {
        const record = await store.getDatasetVersion(name, 'latest');
        expect(record?.name).toBe(name);
        expect(record?.source).toBe(name);
      }
      // No pattern matching: '%' is just a name that does not exist.
      expect(await store.listDatasetVersions('%')).toEqual([]);
      expect(await store.getDatasetVersion('x', 'latest')).toBeNull();
    });

    it('rejects malformed registrations naming the field', async () => {
      const cases: [Partial<NewDatasetVersion>, string][] = [
        [{ name: '' }, 'name'],
        [{ hash: '' }, 'hash'],
        [{ rows: -1 }, 'rows'],
        [{ columns: 1.5 }, 'columns'],
        [{ bytes: Number.NaN }, 'bytes'],
        [{ schema: undefined }, 'schema'],
        [{ profile: 10n as unknown }, 'profile'],
      ];
      for (const [override, field] of cases) {
        const err = await store.createDatasetVersion(datasetVersionFixture('bad', 1, override)).catch((e: unknown) => e);
        expect(err, field).toBeInstanceOf(UsageError);
        expect((err as UsageError).details.field).toBe(field);
      }
      await expect(store.getDatasetVersion('bad', 0)).rejects.toBeInstanceOf(UsageError);
      await expect(store.getDatasetVersion('bad', 1.5)).rejects.toBeInstanceOf(UsageError);
      expect(await store.listDatasets()).toEqual([]);
    });

    it('persists across reopen and re-running migrations is a no-op', async () => {
      await store.createDatasetVersion(datasetVersionFixture('iris', 1));
      const second = await harness.reopen();
      expect(second.dialect).toBe(store.dialect);
      expect((await second.getDatasetVersion('iris', 1))?.hash).toBe('content-1');
      expect(await second.createDatasetVersion(datasetVersionFixture('iris', 2))).toEqual({ version: 2, created: true });
      expect((await store.getDatasetVersion('iris', 'latest'))?.version).toBe(2);
    });
  });
}
