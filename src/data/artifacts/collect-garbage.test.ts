/** Artifact gc over a real filesystem store: live set, grace period, dry run, races, failing providers. */
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { FsArtifactStore } from '../../store/fs/fs-artifact-store.js';
import type { ArtifactReferenceProvider } from './artifact-references.js';
import { collectArtifactReferences } from './artifact-references.js';
import { collectGarbage } from './collect-garbage.js';

const HOUR = 3_600_000;
const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

function provider(name: string, hashes: string[]): ArtifactReferenceProvider {
  return {
    name,
    async *artifactHashes() {
      yield* hashes;
    },
  };
}

describe('collectGarbage', () => {
  let root: string;
  let store: FsArtifactStore;
  const age = (hash: string, ms: number): void => {
    const when = new Date(Date.now() - ms);
    utimesSync(join(root, hash.slice(0, 2), hash.slice(2)), when, when);
  };

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'kiln-gc-'));
    store = await FsArtifactStore.open(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports unreferenced old blobs in a dry run and deletes them with apply', async () => {
    const kept = await store.put(bytesOf('referenced by a dataset'));
    const alsoKept = await store.put(bytesOf('referenced by a model'));
    const orphan = await store.put(bytesOf('orphan!'));
    const fresh = await store.put(bytesOf('being registered right now'));
    for (const ref of [kept, alsoKept, orphan]) age(ref.hash, 2 * HOUR);
    const dangling = 'f'.repeat(64);
    const providers = [provider('datasets', [kept.hash, dangling]), provider('models', [alsoKept.hash, kept.hash])];

    const dry = await collectGarbage(store, providers);
    expect(dry).toMatchObject({ applied: false, scanned: 4, referenced: 2, young: 1, deleted: 0, bytes: 7, missing: [dangling], providers: ['datasets', 'models'], graceSeconds: 3600 });
    expect(dry.garbage.map((g) => [g.hash, g.size])).toEqual([[orphan.hash, 7]]);
    expect(await store.has(orphan.hash)).toBe(true);

    const applied = await collectGarbage(store, providers, { apply: true });
    expect(applied).toMatchObject({ applied: true, deleted: 1, bytes: 7 });
    for (const ref of [kept, alsoKept, fresh]) expect(await store.has(ref.hash)).toBe(true);
    expect(await store.has(orphan.hash)).toBe(false);
    expect((await collectGarbage(store, providers, { apply: true })).garbage).toEqual([]);
  });

  it('deletes young blobs only once they are older than the grace period', async () => {
    const orphan = await store.put(bytesOf('orphan'));
    age(orphan.hash, 10 * 60_000);
    expect((await collectGarbage(store, [], { apply: true })).young).toBe(1);
    expect((await collectGarbage(store, [], { apply: true, graceMs: 20 * 60_000 })).deleted).toBe(0);
    expect((await collectGarbage(store, [], { apply: true, graceMs: 5 * 60_000 })).deleted).toBe(1);
    await expect(collectGarbage(store, [], { graceMs: -1 })).rejects.toThrow(/grace period/);
  });

  it('keeps a blob that is stored again between the listing and the delete', async () => {
    const orphan = await store.put(bytesOf('re-registered'));
    age(orphan.hash, 2 * HOUR);
    // A writer stores the same bytes (and would then reference them) while gc is between list and delete.
    const racing: ArtifactStore = Object.assign(Object.create(store) as ArtifactStore, {
      async *list() {
        yield* store.list();
        await store.put(bytesOf('re-registered'));
      },
    });
    const report = await collectGarbage(racing, [], { apply: true });
    expect(report).toMatchObject({ deleted: 0, young: 1, garbage: [] });
    expect(await store.has(orphan.hash)).toBe(true);
  });

  it('deletes nothing when a reference provider fails', async () => {
    const orphan = await store.put(bytesOf('orphan'));
    age(orphan.hash, 2 * HOUR);
    const broken: ArtifactReferenceProvider = {
      name: 'broken',
      // eslint-disable-next-line require-yield
      async *artifactHashes() {
        throw new Error('metadata store unreachable');
      },
    };
    await expect(collectGarbage(store, [provider('ok', []), broken], { apply: true })).rejects.toThrow('metadata store unreachable');
    expect(await store.has(orphan.hash)).toBe(true);
  });

  it('unions the providers into one live set', async () => {
    expect([...(await collectArtifactReferences([provider('a', ['x', 'y']), provider('b', ['y', 'z'])]))].sort()).toEqual(['x', 'y', 'z']);
  });
});
