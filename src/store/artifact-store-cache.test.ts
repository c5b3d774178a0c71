/** The local blob cache behind remote adapters' `materialize`: verified, atomic, deduplicated fills. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InternalError } from '../core/errors.js';
import { ArtifactStoreCache } from './artifact-store-cache.js';

const bytes = new Uint8Array(200_000).map((_, i) => (i * 13) & 0xff);
const hash = createHash('sha256').update(bytes).digest('hex');

async function* chunks(data: Uint8Array, failAfter = Infinity): AsyncGenerator<Uint8Array> {
  for (let offset = 0, n = 0; offset < data.length; offset += 50_000, n++) {
    if (n >= failAfter) throw new Error('connection reset');
    yield data.subarray(offset, offset + 50_000);
  }
}

describe('ArtifactStoreCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kiln-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fills once, verified, and serves hits without fetching', async () => {
    const cache = await ArtifactStoreCache.open(dir, { maxBytes: 1 << 20 });
    let fetches = 0;
    const open = async (): Promise<AsyncIterable<Uint8Array>> => {
      fetches++;
      return chunks(bytes);
    };
    const [a, b] = await Promise.all([cache.materialize(hash, open, 's3://x/'), cache.materialize(hash, open, 's3://x/')]);
    expect(a).toBe(join(dir, hash.slice(0, 2), hash.slice(2)));
    expect(b).toBe(a);
    expect(await cache.materialize(hash, open, 's3://x/')).toBe(a);
    expect(fetches).toBe(1);
    expect(Buffer.from(readFileSync(a)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('keeps nothing from a failed or corrupted fill', async () => {
    const cache = await ArtifactStoreCache.open(dir, { maxBytes: 1 << 20 });
    await expect(cache.materialize(hash, async () => chunks(bytes, 2), 's3://x/')).rejects.toThrow('connection reset');
    const bad = bytes.slice();
    bad[7] ^= 1;
    const err = await cache.materialize(hash, async () => chunks(bad), 's3://x/').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalError);
    expect((err as Error).message).toMatch(/artifact [0-9a-f]{64} in s3:\/\/x\/ is corrupted/);
    expect(readdirSync(dir, { recursive: true })).toEqual(['.tmp']);
    expect(await cache.usage()).toEqual({ files: 0, bytes: 0 });
  });

  it('never evicts the entry it just filled, even when it alone exceeds the limit', async () => {
    const cache = await ArtifactStoreCache.open(dir, { maxBytes: 1000, protectMs: 0 });
    const path = await cache.materialize(hash, async () => chunks(bytes), 's3://x/');
    expect(readFileSync(path).byteLength).toBe(bytes.byteLength);
    expect(await cache.usage()).toEqual({ files: 1, bytes: bytes.byteLength });
  });
});
