/**
 * Conformance suite for the dataset repository (`metadata.datasets`). Every adapter's test files call
 * `describeDatasetRepositoryContract` with a harness factory, so all backends are held to the same
 * behaviour: version allocation, idempotency, concurrency, documents, paging, bounds, parametrized SQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { MAX_SUMMARY_BYTES } from './dataset-repository.js';
import type { DatasetRepository, NewDatasetVersion } from './dataset-repository.js';
import type { MetadataStoreHarness } from './metadata-store.contract.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './page.js';
import type { Page } from './page.js';
import { MAX_INLINE_DOCUMENT_BYTES } from './stored-document.js';

/** Registrations used by the suites: deterministic, every field distinct; odd n keep the profile as an artifact. */
export function datasetVersionFixture(name: string, n: number, overrides: Partial<NewDatasetVersion> = {}): NewDatasetVersion {
  return {
    name,
    hash: `content-${n}`,
    rows: 100 + n,
    columns: 3 + n,
    bytes: 4096 + n,
    schema: { kind: 'inline', value: { columns: [{ name: 'x', type: 'numeric' }, { name: 'é ✓', type: 'categorical', categories: ['a', 'b'] }], n } },
    profile:
      n % 2 === 1
        ? { kind: 'artifact', hash: n.toString(16).padStart(64, 'b') }
        : { kind: 'inline', value: { rows: 100 + n, mean: 0.1 + n, missing: null, nested: { deep: [1, 2.5, -3e-9] } } },
    summary: n % 3 === 0 ? null : { rows: 100 + n, columns: [{ name: 'x', type: 'numeric', missing: 0 }] },
    artifactHash: `${n}`.padStart(64, 'a'),
    format: 'parquet',
    source: n % 2 === 0 ? null : `/data/input-${n}.csv`,
    createdAt: `2024-01-${String(1 + (n % 28)).padStart(2, '0')}T00:00:00.000Z`,
    ...overrides,
  };
}

/** Every item of a list, following `next` until the last page. */
async function collect<T>(fetch: (cursor: string | null) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await fetch(cursor);
    items.push(...page.items);
    cursor = page.next;
    pages++;
  } while (cursor !== null && pages < 1000);
  return { items, pages };
}

/** Registers the dataset repository conformance tests for one adapter. */
export function describeDatasetRepositoryContract(label: string, createHarness: () => Promise<MetadataStoreHarness>): void {
  describe(`DatasetRepository contract: ${label}`, () => {
    let harness: MetadataStoreHarness;
    let datasets: DatasetRepository;

    beforeEach(async () => {
      harness = await createHarness();
      datasets = harness.store.datasets;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('keeps the same name in two projects independent, and never lists across', async () => {
      const a = harness.store.inProject('team-a').datasets;
      const b = harness.store.inProject('team-b').datasets;
      expect(await a.createVersion(datasetVersionFixture('churn', 1))).toEqual({ version: 1, created: true });
      expect(await a.createVersion(datasetVersionFixture('churn', 2))).toEqual({ version: 2, created: true });
      // Same name and same content in another project: its own version 1, not a duplicate of team-a's.
      expect(await b.createVersion(datasetVersionFixture('churn', 1))).toEqual({ version: 1, created: true });
      await a.createVersion(datasetVersionFixture('only-a', 3));
      expect((await a.list()).items.map((d) => [d.name, d.latestVersion, d.versions])).toEqual([
        ['churn', 2, 2],
        ['only-a', 1, 1],
      ]);
      expect((await b.list()).items.map((d) => [d.name, d.latestVersion, d.versions])).toEqual([['churn', 1, 1]]);
      expect(await datasets.list()).toEqual({ items: [], next: null });
      expect((await b.getVersion('churn', 'latest'))?.version).toBe(1);
      expect(await b.getVersion('churn', 2)).toBeNull();
      expect(await b.getVersion('only-a', 'latest')).toBeNull();
      expect((await b.listVersions('churn')).items.map((v) => v.version)).toEqual([1]);
      expect(await b.listVersions('only-a')).toEqual({ items: [], next: null });
      // gc's view spans every project.
      expect(await datasets.countArtifactReferences(datasetVersionFixture('churn', 1).artifactHash)).toBe(2);
      const hashes = new Set<string>();
      for await (const h of datasets.artifactHashes(1)) hashes.add(h);
      expect(hashes).toEqual(new Set(['1', '2', '3'].map((n) => n.padStart(64, 'a')).concat(['1', '3'].map((n) => Number(n).toString(16).padStart(64, 'b')))));
      await b.createVersion(datasetVersionFixture('parts', 4, { format: 'parquet-parts' }));
      await a.createVersion(datasetVersionFixture('parts', 5, { format: 'parquet-parts' }));
      await a.createVersion(datasetVersionFixture('parts', 6, { format: 'parquet-parts' }));
      const inFormat: string[] = [];
      for await (const v of datasets.versionsInFormat('parquet-parts', 1)) inFormat.push(`${v.name}@${v.version}:${v.hash}`);
      expect(inFormat).toEqual(['parts@1:content-5', 'parts@2:content-6', 'parts@1:content-4']);
    });

    it('starts empty', async () => {
      expect(await datasets.list()).toEqual({ items: [], next: null });
      expect(await datasets.listVersions('iris')).toEqual({ items: [], next: null });
      expect(await datasets.getVersion('iris', 'latest')).toBeNull();
      expect(await datasets.getVersion('iris', 1)).toBeNull();
    });

    it('stores every field of a version and returns it verbatim', async () => {
      for (const n of [1, 2]) {
        const input = datasetVersionFixture(`iris${n}`, n, { rows: 3_000_000_001, bytes: 2 ** 40 + 7, columns: 2 ** 33 });
        expect(await datasets.createVersion(input)).toEqual({ version: 1, created: true });
        const { name, hash, rows, columns, bytes, artifactHash, format, source, createdAt, schema, profile, summary } = input;
        const expected = { name, version: 1, hash, rows, columns, bytes, artifactHash, format, source, createdAt, schema, profile, summary };
        expect(await datasets.getVersion(name, 1)).toEqual(expected);
        expect(await datasets.getVersion(name, 'latest')).toEqual(expected);
        const { schema: _s, profile: _p, summary: _u, ...row } = expected;
        expect(await datasets.listVersions(name)).toEqual({ items: [row], next: null });
        expect(await datasets.getVersion(name, 2)).toBeNull();
      }
    });

    it('keeps documents as artifact references or inline values, and a null summary', async () => {
      const hash = 'c'.repeat(64);
      await datasets.createVersion(datasetVersionFixture('docs', 3, { schema: { kind: 'artifact', hash }, profile: { kind: 'artifact', hash: 'd'.repeat(64) } }));
      const record = await datasets.getVersion('docs', 1);
      expect(record?.schema).toEqual({ kind: 'artifact', hash });
      expect(record?.profile).toEqual({ kind: 'artifact', hash: 'd'.repeat(64) });
      expect(record?.summary).toBeNull();
      // JSON that is a bare string or number survives the round trip (jsonb returns it parsed otherwise).
      await datasets.createVersion(datasetVersionFixture('docs', 4, { schema: { kind: 'inline', value: '{"not":"an object"}' }, summary: 42 }));
      const second = await datasets.getVersion('docs', 2);
      expect(second?.schema).toEqual({ kind: 'inline', value: '{"not":"an object"}' });
      expect(second?.summary).toBe(42);
    });

    it('counts artifact references across data, schema and profile', async () => {
      const shared = 'e'.repeat(64);
      expect(await datasets.countArtifactReferences(shared)).toBe(0);
      await datasets.createVersion(datasetVersionFixture('r1', 1, { artifactHash: shared }));
      await datasets.createVersion(datasetVersionFixture('r2', 2, { profile: { kind: 'artifact', hash: shared } }));
      await datasets.createVersion(datasetVersionFixture('r3', 3, { schema: { kind: 'artifact', hash: shared } }));
      expect(await datasets.countArtifactReferences(shared)).toBe(3);
      expect(await datasets.countArtifactReferences('f'.repeat(64))).toBe(0);
      await expect(datasets.countArtifactReferences("' or 1=1 --")).rejects.toBeInstanceOf(UsageError);
      // gc's live set: every referenced hash, across batches.
      const live: string[] = [];
      for await (const h of datasets.artifactHashes(2)) live.push(h);
      expect(live.filter((h) => h === shared)).toHaveLength(3);
      expect(new Set(live)).toEqual(new Set([shared, '1'.padStart(64, 'b'), '2'.padStart(64, 'a'), '3'.padStart(64, 'a'), '3'.padStart(64, 'b')]));
    });

    it('allocates versions 1, 2, 3 and tracks the latest', async () => {
      for (let n = 1; n <= 3; n++) expect(await datasets.createVersion(datasetVersionFixture('iris', n))).toEqual({ version: n, created: true });
      expect((await datasets.getVersion('iris', 'latest'))?.hash).toBe('content-3');
      expect((await datasets.getVersion('iris', 2))?.hash).toBe('content-2');
      expect((await datasets.listVersions('iris')).items.map((v) => v.version)).toEqual([1, 2, 3]);
      expect(await datasets.list()).toEqual({
        items: [{ name: 'iris', latestVersion: 3, versions: 3, updatedAt: datasetVersionFixture('iris', 3).createdAt }],
        next: null,
      });
    });

    it('keeps version numbers per name and lists datasets by name', async () => {
      await datasets.createVersion(datasetVersionFixture('wine', 1));
      await datasets.createVersion(datasetVersionFixture('adult', 1));
      await datasets.createVersion(datasetVersionFixture('adult', 2));
      // The same content under another name is a new dataset, not a duplicate.
      expect(await datasets.createVersion(datasetVersionFixture('wine', 2))).toEqual({ version: 2, created: true });
      expect((await datasets.list()).items.map((d) => [d.name, d.latestVersion, d.versions])).toEqual([
        ['adult', 2, 2],
        ['wine', 2, 2],
      ]);
    });

    it('pages through datasets and versions with keyset cursors', async () => {
      const names = Array.from({ length: 7 }, (_, i) => `ds-${i}`);
      await Promise.all(names.map((name) => datasets.createVersion(datasetVersionFixture(name, 1))));
      for (let n = 1; n <= 5; n++) await datasets.createVersion(datasetVersionFixture('many', n));
      const first = await datasets.list({ limit: 3 });
      expect(first.items.map((d) => d.name)).toEqual(['ds-0', 'ds-1', 'ds-2']);
      expect(typeof first.next).toBe('string');
      const all = await collect((cursor) => datasets.list({ limit: 3, cursor }));
      expect(all.items.map((d) => d.name)).toEqual([...names, 'many']);
      expect(all.pages).toBe(3);
      // A row added behind the cursor is neither skipped nor repeated on the next page.
      const second = await datasets.list({ limit: 3, cursor: first.next });
      await datasets.createVersion(datasetVersionFixture('ds-00', 1));
      const third = await datasets.list({ limit: 3, cursor: second.next });
      expect([...second.items, ...third.items].map((d) => d.name)).toEqual(['ds-3', 'ds-4', 'ds-5', 'ds-6', 'many']);
      expect(third.next).toBeNull();
      // An exact multiple of the page size ends with next: null, not an empty extra page.
      expect((await datasets.listVersions('many', { limit: 5 })).next).toBeNull();
      const versions = await collect((cursor) => datasets.listVersions('many', { limit: 2, cursor }));
      expect(versions.items.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
      expect(versions.pages).toBe(3);
    });

    it('refuses bad limits and foreign or tampered cursors', async () => {
      await datasets.createVersion(datasetVersionFixture('a', 1));
      await datasets.createVersion(datasetVersionFixture('a', 2));
      await datasets.createVersion(datasetVersionFixture('b', 1));
      for (const limit of [0, -1, 1.5, MAX_PAGE_LIMIT + 1, Number.NaN]) {
        const err = await datasets.list({ limit }).catch((e: unknown) => e);
        expect(err, String(limit)).toBeInstanceOf(UsageError);
        expect((err as UsageError).details.field).toBe('limit');
      }
      expect((await datasets.list({ limit: MAX_PAGE_LIMIT })).items.length).toBe(2);
      expect(DEFAULT_PAGE_LIMIT).toBeLessThanOrEqual(MAX_PAGE_LIMIT);
      const versionsCursor = (await datasets.listVersions('a', { limit: 1 })).next!;
      const datasetsCursor = (await datasets.list({ limit: 1 })).next!;
      const bad = ['', 'not a cursor!', 'x'.repeat(5000), Buffer.from('{"a":1}').toString('base64url'), datasetsCursor.slice(0, -3), versionsCursor];
      for (const cursor of bad) {
        const err = await datasets.list({ cursor }).catch((e: unknown) => e);
        expect(err, cursor.slice(0, 20)).toBeInstanceOf(UsageError);
        expect((err as UsageError).details.field).toBe('cursor');
      }
      await expect(datasets.listVersions('a', { cursor: datasetsCursor })).rejects.toBeInstanceOf(UsageError);
      // A cursor of one dataset's versions does not page another's.
      await expect(datasets.listVersions('b', { cursor: versionsCursor })).rejects.toBeInstanceOf(UsageError);
    });

    it('registers the same content idempotently', async () => {
      await datasets.createVersion(datasetVersionFixture('iris', 1));
      await datasets.createVersion(datasetVersionFixture('iris', 2));
      const again = await datasets.createVersion(datasetVersionFixture('iris', 1, { createdAt: '2030-01-01T00:00:00.000Z', source: 'elsewhere' }));
      expect(again).toEqual({ version: 1, created: false });
      expect((await datasets.listVersions('iris')).items.length).toBe(2);
      // The original registration is untouched.
      expect((await datasets.getVersion('iris', 1))?.createdAt).toBe(datasetVersionFixture('iris', 1).createdAt);
      expect((await datasets.list()).items[0]?.latestVersion).toBe(2);
    });

    it('gives concurrent registrations distinct versions 1..5', async () => {
      const results = await Promise.all([1, 2, 3, 4, 5].map((n) => datasets.createVersion(datasetVersionFixture('race', n))));
      expect(results.every((r) => r.created)).toBe(true);
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
      const versions = (await datasets.listVersions('race')).items;
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
      // Each returned version number points at the content that was registered with it.
      for (let i = 0; i < 5; i++) expect(versions[results[i]!.version - 1]?.hash).toBe(`content-${i + 1}`);
      expect((await datasets.list()).items).toEqual([expect.objectContaining({ name: 'race', latestVersion: 5, versions: 5 })]);
    });

    it('creates one version for concurrent registrations of the same content', async () => {
      const results = await Promise.all([1, 2, 3, 4].map(() => datasets.createVersion(datasetVersionFixture('same', 7))));
      expect(results.filter((r) => r.created).length).toBe(1);
      expect(results.every((r) => r.version === 1)).toBe(true);
      expect((await datasets.listVersions('same')).items.length).toBe(1);
    });

    it('stores hostile names verbatim as data', async () => {
      const names = ["'; DROP TABLE x; --", "Robert'); DROP TABLE datasets;--", '../../x', 'données ✓ "quoted"', '%_', 'a\\b'];
      for (const [i, name] of names.entries()) await datasets.createVersion(datasetVersionFixture(name, i, { source: name }));
      expect((await datasets.list()).items.map((d) => d.name).sort()).toEqual([...names].sort());
      for (const name of names) {
        const record = await datasets.getVersion(name, 'latest');
        expect(record?.name).toBe(name);
        expect(record?.source).toBe(name);
      }
      // No pattern matching: '%' is just a name that does not exist.
      expect((await datasets.listVersions('%')).items).toEqual([]);
      expect(await datasets.getVersion('x', 'latest')).toBeNull();
    });

    it('rejects malformed registrations naming the field, writing nothing', async () => {
      const big = 'x'.repeat(MAX_INLINE_DOCUMENT_BYTES);
      const cases: [Partial<NewDatasetVersion>, string][] = [
        [{ name: '' }, 'name'],
        [{ name: 'nul\u0000name' }, 'name'],
        [{ source: 'a\u0000b' }, 'source'],
        [{ hash: '' }, 'hash'],
        [{ rows: -1 }, 'rows'],
        [{ rows: 2 ** 53 }, 'rows'],
        [{ columns: 1.5 }, 'columns'],
        [{ bytes: Number.NaN }, 'bytes'],
        [{ schema: { kind: 'inline', value: undefined } }, 'schema'],
        [{ schema: { kind: 'inline', value: big } }, 'schema'],
        [{ schema: { kind: 'inline', value: { name: 'nul \u0000' } } }, 'schema'],
        [{ schema: undefined as unknown as NewDatasetVersion['schema'] }, 'schema'],
        [{ profile: { kind: 'inline', value: 10n } }, 'profile'],
        [{ profile: { kind: 'artifact', hash: 'not-a-sha256' } }, 'profile'],
        [{ summary: { text: 'y'.repeat(MAX_SUMMARY_BYTES) } }, 'summary'],
        [{ summary: undefined }, 'summary'],
      ];
      for (const [override, field] of cases) {
        const err = await datasets.createVersion(datasetVersionFixture('bad', 1, override)).catch((e: unknown) => e);
        expect(err, field).toBeInstanceOf(UsageError);
        expect((err as UsageError).details.field, JSON.stringify(Object.keys(override))).toBe(field);
      }
      // A literal backslash followed by "u0000" is not a NUL character and is stored.
      expect((await datasets.createVersion(datasetVersionFixture('ok', 1, { schema: { kind: 'inline', value: '\\u0000' } }))).created).toBe(true);
      expect((await datasets.getVersion('ok', 1))?.schema).toEqual({ kind: 'inline', value: '\\u0000' });
      expect((await datasets.list()).items.map((d) => d.name)).toEqual(['ok']);
    });

    it('answers a version number that does not fit with a UsageError, never a driver error', async () => {
      await datasets.createVersion(datasetVersionFixture('v', 1));
      for (const version of [0, -1, 1.5, 2 ** 53, 2 ** 63, 1e300, Number.POSITIVE_INFINITY, Number.NaN]) {
        const err = await datasets.getVersion('v', version).catch((e: unknown) => e);
        expect(err, String(version)).toBeInstanceOf(UsageError);
        expect((err as UsageError).details.field).toBe('version');
      }
      // The largest exact version number is a valid question with no answer.
      expect(await datasets.getVersion('v', Number.MAX_SAFE_INTEGER)).toBeNull();
    });
  });
}
