/**
 * Conformance suite for the `ArtifactStore` port: content addressing, idempotent writes, verified reads,
 * atomic writes, hash validation, materialized local copies, listing and stat. Every adapter's test
 * calls `describeArtifactStoreContract`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, InternalError, NotFoundError } from '../core/errors.js';
import type { ArtifactStore } from './artifact-store.js';

/** A fresh, empty store for one test, with adapter-specific ways to look behind the port. */
export interface ArtifactStoreHarness {
  store: ArtifactStore;
  /** Flips bytes of a stored blob in place, as disk rot would. */
  corrupt(hash: string): Promise<void>;
  /** Every object the backend holds, including temporary or partial ones. */
  storedObjects(): Promise<string[]>;
  dispose(): Promise<void>;
}

// Reference digests: FIPS 180-2 test vectors ('abc', ''); Python's hashlib.sha256 of `bigPattern()` and
// of its first 10 chunks of 64 KiB, the part a failed stream had written
// (test/fixtures/scripts/store_artifact_digests.py).
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const SHA256_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SHA256_BIG = '61c050553febd371b3996461ecaf968198ff21f476b653a008323b3acd0eb64d';
const SHA256_BIG_PARTIAL = 'b9e14fd996c0f63b9b69eb96f4084454246656e14de05dd895d56f634d9ccf5c';
const BIG_SIZE = 3 * 1024 * 1024 + 17;

function bigPattern(): Uint8Array {
  const bytes = new Uint8Array(BIG_SIZE);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >>> 11)) & 0xff;
  return bytes;
}

// vitest's deep equality walks typed arrays element by element (minutes for MiBs); compare natively.
function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength));
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

async function* chunked(bytes: Uint8Array, size: number, failAfter = Infinity): AsyncGenerator<Uint8Array> {
  for (let offset = 0, n = 0; offset < bytes.length; offset += size, n++) {
    if (n >= failAfter) throw new Error('source failed mid-stream');
    yield bytes.subarray(offset, offset + size);
  }
}

/** Registers the conformance tests for one adapter. */
export function describeArtifactStoreContract(label: string, createHarness: () => Promise<ArtifactStoreHarness>): void {
  describe(`ArtifactStore contract: ${label}`, () => {
    let harness: ArtifactStoreHarness;
    let store: ArtifactStore;
    const abc = new TextEncoder().encode('abc');

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('addresses content by its sha256', async () => {
      expect(await store.put(abc)).toEqual({ hash: SHA256_ABC, size: 3 });
      expect(await store.put(new Uint8Array(0))).toEqual({ hash: SHA256_EMPTY, size: 0 });
      expect(await store.get(SHA256_ABC)).toEqual(abc);
      expect(await store.get(SHA256_EMPTY)).toEqual(new Uint8Array(0));
      expect(await store.has(SHA256_ABC)).toBe(true);
    });

    it('stores the same bytes once', async () => {
      const results = await Promise.all([store.put(abc), store.put(abc), store.putStream(chunked(abc, 1)), store.put(abc)]);
      for (const r of results) expect(r).toEqual({ hash: SHA256_ABC, size: 3 });
      expect((await harness.storedObjects()).length).toBe(1);
    });

    it('streams, files and bytes give the same ref for the same content', async () => {
      const big = bigPattern();
      const fromBytes = await store.put(big);
      expect(fromBytes).toEqual({ hash: SHA256_BIG, size: BIG_SIZE });
      expect(await store.putStream(chunked(big, 65_537))).toEqual(fromBytes);
      const folder = mkdtempSync(join(tmpdir(), 'kiln-artifact-src-'));
      try {
        const file = join(folder, 'data.bin');
        writeFileSync(file, big);
        expect(await store.putFile(file)).toEqual(fromBytes);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
      expect(sameBytes(await readAll(await store.openReadStream(fromBytes.hash)), big)).toBe(true);
      expect(sameBytes(await store.get(fromBytes.hash), big)).toBe(true);
    });

    it('reports missing artifacts and files as NotFoundError', async () => {
      await expect(store.get(SHA256_ABC)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.openReadStream(SHA256_ABC)).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.has(SHA256_ABC)).toBe(false);
      await expect(store.putFile(join(tmpdir(), 'kiln-no-such-file-4b1e.bin'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.materialize(SHA256_ABC)).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.stat(SHA256_ABC)).toBeNull();
    });

    it('materializes a blob as a local file with its bytes', async () => {
      const big = bigPattern();
      const { hash } = await store.put(big);
      const path = await store.materialize(hash);
      expect(sameBytes(readFileSync(path), big)).toBe(true);
      // A second call (a cache hit, or the same blob file) gives the same bytes.
      expect(sameBytes(readFileSync(await store.materialize(hash)), big)).toBe(true);
      await store.put(abc);
      expect(readFileSync(await store.materialize(SHA256_ABC)).toString()).toBe('abc');
      expect(readFileSync(await store.materialize((await store.put(new Uint8Array(0))).hash)).byteLength).toBe(0);
    });

    it('lists and stats every blob with its size and write time', async () => {
      const before = Date.now() - 2000; // some backends keep whole seconds
      await store.put(abc);
      await store.putStream(chunked(bigPattern(), 100_000));
      await store.put(new Uint8Array(0));
      const listed = [];
      for await (const entry of store.list()) listed.push(entry);
      listed.sort((a, b) => a.hash.localeCompare(b.hash));
      expect(listed.map((e) => [e.hash, e.size])).toEqual([
        [SHA256_BIG, BIG_SIZE],
        [SHA256_ABC, 3],
        [SHA256_EMPTY, 0],
      ]);
      for (const entry of listed) {
        expect(entry.modifiedAt.getTime()).toBeGreaterThanOrEqual(before);
        expect(entry.modifiedAt.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
        expect(await store.stat(entry.hash)).toEqual(entry);
      }
    });

    it('deletes', async () => {
      await store.put(abc);
      await store.materialize(SHA256_ABC);
      expect(await store.delete(SHA256_ABC)).toBe(true);
      expect(await store.has(SHA256_ABC)).toBe(false);
      await expect(store.materialize(SHA256_ABC)).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.delete(SHA256_ABC)).toBe(false);
      const listed = [];
      for await (const entry of store.list()) listed.push(entry);
      expect(listed).toEqual([]);
    });

    it('rejects anything but a lowercase sha256 hex as the key', async () => {
      await store.put(abc);
      const bad = ['../../etc/passwd', `../${SHA256_ABC.slice(3)}`, SHA256_ABC.toUpperCase(), SHA256_ABC.slice(1), `${SHA256_ABC}0`, '', `ba/${SHA256_ABC.slice(3)}`];
      for (const hash of bad) {
        await expect(store.get(hash), hash).rejects.toBeInstanceOf(InputError);
        await expect(store.has(hash), hash).rejects.toBeInstanceOf(InputError);
        await expect(store.delete(hash), hash).rejects.toBeInstanceOf(InputError);
        await expect(store.openReadStream(hash), hash).rejects.toBeInstanceOf(InputError);
        await expect(store.materialize(hash), hash).rejects.toBeInstanceOf(InputError);
        await expect(store.stat(hash), hash).rejects.toBeInstanceOf(InputError);
      }
      expect(await store.has(SHA256_ABC)).toBe(true);
    });

    it('detects a corrupted artifact on every read path', async () => {
      const big = bigPattern();
      const { hash } = await store.put(big);
      await harness.corrupt(hash);
      const err = await store.get(hash).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InternalError);
      expect((err as Error).message).toMatch(/corrupted/);
      await expect(readAll(await store.openReadStream(hash))).rejects.toThrow(/corrupted/);
      const materialized = await store.materialize(hash).catch((e: unknown) => e);
      expect(materialized).toBeInstanceOf(InternalError);
      expect((materialized as Error).message).toMatch(/corrupted/);
      // Storing the good bytes again repairs it.
      await store.put(big);
      expect(sameBytes(await store.get(hash), big)).toBe(true);
      expect(sameBytes(readFileSync(await store.materialize(hash)), big)).toBe(true);
    });

    it('leaves nothing behind when a write fails mid-stream', async () => {
      const big = bigPattern();
      await expect(store.putStream(chunked(big, 65_536, 10))).rejects.toThrow('source failed mid-stream');
      expect(await harness.storedObjects()).toEqual([]);
      expect(await store.has(SHA256_BIG_PARTIAL)).toBe(false);
      // A later complete write of the same content works.
      const ref = await store.putStream(chunked(big, 65_536));
      expect(await harness.storedObjects()).toHaveLength(1);
      expect(ref).toEqual({ hash: SHA256_BIG, size: BIG_SIZE });
      expect(sameBytes(await store.get(ref.hash), big)).toBe(true);
    });
  });
}
