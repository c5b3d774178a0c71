/** Filesystem artifact store: the shared contract on a temp folder, plus layout and open behaviour. */
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { describeArtifactStoreContract } from '../artifact-store.contract.js';
import { FsArtifactStore } from './fs-artifact-store.js';

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

function blobPath(root: string, hash: string): string {
  return join(root, hash.slice(0, 2), hash.slice(2));
}

describeArtifactStoreContract('fs', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kiln-artifacts-'));
  const store = await FsArtifactStore.open(root);
  return {
    store,
    corrupt: async (hash) => {
      const handle = await open(blobPath(root, hash), 'r+');
      await handle.write(new Uint8Array([0xde, 0xad]), 0, 2, 1000);
      await handle.close();
    },
    storedObjects: async () => listFiles(root),
    dispose: async () => rmSync(root, { recursive: true, force: true }),
  };
});

describe('FsArtifactStore', () => {
  it('lays blobs out as <root>/ab/cdef... and materializes the blob file itself', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kiln-artifacts-'));
    try {
      const store = await FsArtifactStore.open(root);
      const { hash } = await store.put(new TextEncoder().encode('abc'));
      expect(listFiles(root)).toEqual([`ba/${hash.slice(2)}`]);
      expect(await store.materialize(hash)).toBe(blobPath(root, hash));
      expect(store.location).toBe(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('removes stale temp files of crashed writes on open, keeps fresh ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kiln-artifacts-'));
    try {
      await FsArtifactStore.open(root);
      writeFileSync(join(root, '.tmp', 'old.part'), 'partial');
      writeFileSync(join(root, '.tmp', 'new.part'), 'in flight');
      const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
      utimesSync(join(root, '.tmp', 'old.part'), twoDaysAgo, twoDaysAgo);
      await FsArtifactStore.open(root);
      expect(listFiles(root)).toEqual(['.tmp/new.part']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a root that cannot be a folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kiln-artifacts-'));
    try {
      const file = join(root, 'a-file');
      writeFileSync(file, 'x');
      const err = await FsArtifactStore.open(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).details.file).toBe(file);
      expect(statSync(file).isFile()).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
