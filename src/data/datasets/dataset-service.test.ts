/**
 * DatasetService over real adapters (SQLite + filesystem artifacts): paging through the service, wide
 * tables (6,000 columns register and show, with a bounded metadata row), and failures that leave no
 * metadata row and no orphan artifact behind.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalError, NotFoundError, UsageError } from '../../core/errors.js';
import { FsArtifactStore } from '../../store/fs/fs-artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqliteMetadataStore } from '../../store/sqlite/sqlite-metadata-store.js';
import type { Profile } from '../profile/profile-types.js';
import { DatasetService, REGISTER_CORRELATION_COLUMN_LIMIT } from './dataset-service.js';
import { SecurityService } from '../../security/security-service.js';
import { SUMMARY_COLUMN_LIMIT } from './profile-summary.js';
import type { ProfileSummary } from './profile-summary.js';

let folder: string;
let metadata: MetadataStore;
let artifacts: FsArtifactStore;
let service: DatasetService;

/** Every blob file in the artifact store (its `.tmp` staging folder excluded). */
function blobs(): string[] {
  const root = artifacts.location;
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => !p.startsWith('.tmp') && statSync(join(root, p)).isFile());
}

function csv(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'kiln-dataset-service-'));
  metadata = await openSqliteMetadataStore(join(folder, 'kiln.db'));
  artifacts = await FsArtifactStore.open(join(folder, 'artifacts'));
  service = new DatasetService(metadata, artifacts, new SecurityService(metadata));
});
afterEach(async () => {
  await metadata.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('DatasetService', () => {
  it('keeps the profile as an artifact with a bounded summary, and shows it whole', async () => {
    const source = csv('small.csv', 'x,y,c\n1,2.5,a\n2,3.5,b\n3,,a\n');
    const reg = await service.register(source, 'small');
    expect(reg).toMatchObject({ version: 1, created: true, rows: 3, columns: 3 });
    const record = await metadata.datasets.getVersion('small', 1);
    expect(record?.profile.kind).toBe('artifact');
    // Integer columns register as exact int64 (stored as INT64 Parquet), see content-hash spec.
    expect(record?.schema).toEqual({ kind: 'inline', value: { fields: [{ name: 'x', type: 'int64', nullable: false }, { name: 'y', type: 'numeric', nullable: true }, { name: 'c', type: 'categorical', nullable: false }] } });
    expect(record?.summary).toEqual({
      rows: 3,
      columnCount: 3,
      duplicateRows: 0,
      columns: [
        { name: 'x', type: 'int64', missing: 0, distinct: 3 },
        { name: 'y', type: 'numeric', missing: 1, distinct: 2 },
        { name: 'c', type: 'categorical', missing: 0, distinct: 2 },
      ],
      columnsOmitted: 0,
    });
    const shown = await service.show('small');
    const profile = shown.profile as Profile;
    expect(profile.rows).toBe(3);
    expect(profile.columns.map((c) => c.name)).toEqual(['x', 'y', 'c']);
    expect(profile.correlations?.pearson.columns).toEqual(['x', 'y']);
    expect(shown.schema).toEqual(record?.schema.kind === 'inline' ? record.schema.value : null);
    // Data + profile: two blobs, both referenced.
    expect(blobs().length).toBe(2);
    // The same content again is the same version and adds no blob.
    expect(await service.register(source, 'small')).toMatchObject({ version: 1, created: false });
    expect(blobs().length).toBe(2);
  });

  it('pages lists and versions through the service', async () => {
    for (const name of ['a', 'b', 'c']) await service.register(csv(`${name}.csv`, `v\n${name.charCodeAt(0)}\n`), name);
    for (let i = 2; i <= 3; i++) await service.register(csv(`a${i}.csv`, `v\n${i}\n`), 'a');
    const first = await service.list({ limit: 2 });
    expect(first.items.map((d) => d.name)).toEqual(['a', 'b']);
    const second = await service.list({ limit: 2, cursor: first.next });
    expect(second).toMatchObject({ items: [expect.objectContaining({ name: 'c' })], next: null });
    const v1 = await service.versions('a', { limit: 2 });
    expect(v1.items.map((v) => v.version)).toEqual([1, 2]);
    expect((await service.versions('a', { limit: 2, cursor: v1.next })).items.map((v) => v.version)).toEqual([3]);
    await expect(service.versions('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.list({ limit: 5000 })).rejects.toBeInstanceOf(UsageError);
    await expect(service.list({ cursor: 'garbage!' })).rejects.toBeInstanceOf(UsageError);
  });

  it('answers a version that does not fit with a UsageError', async () => {
    await service.register(csv('v.csv', 'v\n1\n'), 'v');
    await expect(metadata.datasets.getVersion('v', 2 ** 64)).rejects.toBeInstanceOf(UsageError);
    // Through the service a reference with an absurd version is refused as bad input too, never a 500.
    await expect(service.show('v@99999999999999999999')).rejects.toBeInstanceOf(UsageError);
  });

  it('registers and shows a 6,000-column table with a bounded metadata row', async () => {
    const width = 6000;
    const header = Array.from({ length: width }, (_, j) => `c${j}`).join(',');
    const lines = Array.from({ length: 20 }, (_, i) => Array.from({ length: width }, (_, j) => ((i * 31 + j * 7) % 97) / 4).join(','));
    const source = csv('wide.csv', `${header}\n${lines.join('\n')}\n`);
    const t0 = performance.now();
    const reg = await service.register(source, 'wide');
    const registerMs = performance.now() - t0;
    expect(reg).toMatchObject({ version: 1, rows: 20, columns: width });
    const record = await metadata.datasets.getVersion('wide', 1);
    // The schema (~300 KB of JSON) went to the artifact store too; metadata keeps a few KiB.
    expect(record?.schema.kind).toBe('artifact');
    const summary = record?.summary as ProfileSummary;
    expect(summary.columns.length).toBe(SUMMARY_COLUMN_LIMIT);
    expect(summary.columnsOmitted).toBe(width - SUMMARY_COLUMN_LIMIT);
    expect(JSON.stringify(summary).length).toBeLessThan(8 * 1024);
    const t1 = performance.now();
    const shown = await service.show('wide@1');
    const showMs = performance.now() - t1;
    const profile = shown.profile as Profile;
    expect(profile.columns.length).toBe(width);
    expect(profile.columns[5999]).toMatchObject({ name: 'c5999', count: 20 });
    // Wider than the correlation limit: registered without correlation matrices.
    expect(width).toBeGreaterThan(REGISTER_CORRELATION_COLUMN_LIMIT);
    expect(profile.correlations).toBeNull();
    expect((shown.schema as { fields: unknown[] }).fields.length).toBe(width);
    expect(JSON.stringify(shown).length).toBeGreaterThan(1e6);
    console.info(`6,000 x 20 register ${registerMs.toFixed(0)} ms, show ${showMs.toFixed(0)} ms`);
  }, 120_000);

  it('leaves no metadata row and no new artifact when the metadata write fails', async () => {
    // An earlier version shares the data blob with the failing registration: it must survive the cleanup.
    const shared = csv('shared.csv', 'v\n1\n2\n');
    await service.register(shared, 'first');
    const before = blobs().sort();
    const failing: MetadataStore = {
      ...metadata,
      datasets: {
        ...metadata.datasets,
        list: (p) => metadata.datasets.list(p),
        listVersions: (n, p) => metadata.datasets.listVersions(n, p),
        getVersion: (n, v) => metadata.datasets.getVersion(n, v),
        countArtifactReferences: (h) => metadata.datasets.countArtifactReferences(h),
        createVersion: () => Promise.reject(new InternalError('database went away')),
      },
    };
    const broken = new DatasetService(failing, artifacts, new SecurityService(metadata));
    await expect(broken.register(shared, 'second')).rejects.toThrow('database went away');
    await expect(broken.register(csv('new.csv', 'w\n7\n8\n9\n'), 'third')).rejects.toThrow('database went away');
    expect(blobs().sort()).toEqual(before);
    expect((await service.list()).items.map((d) => d.name)).toEqual(['first']);
    expect((await service.show('first')).rows).toBe(2);
  });

  it('reports a missing profile artifact as NotFound, naming the version', async () => {
    await service.register(csv('p.csv', 'v\n1\n'), 'p');
    const record = await metadata.datasets.getVersion('p', 1);
    if (record?.profile.kind !== 'artifact') throw new Error('expected an artifact profile');
    await artifacts.delete(record.profile.hash);
    const err = await service.show('p@1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toContain('profile of p@1');
  });
});
