/**
 * Encryption at rest overhead: put, get and materialize of the same blobs through the plain filesystem
 * store and through the encrypted decorator over it, in the same run (the plain store is the anchor), plus
 * the time `rotate` takes per blob (header re-wrap, body copied). Prints ratios (encrypted / plain).
 *
 *   npx tsx bench/security/encryption-bench.ts [MiB per blob, default 64] [blobs, default 4]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactEncryption } from '../../src/security/artifact-encryption.js';
import { parseMasterKey } from '../../src/security/envelope-encryption.js';
import type { SecurityService } from '../../src/security/security-service.js';
import type { ArtifactStore } from '../../src/store/artifact-store.js';
import { FsArtifactStore } from '../../src/store/fs/fs-artifact-store.js';

const mib = Number(process.argv[2] ?? 64);
const count = Number(process.argv[3] ?? 4);
const blobs = Array.from({ length: count }, () => randomBytes(mib * 1024 * 1024));

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function measure(store: ArtifactStore): Promise<{ put: number; get: number; materialize: number }> {
  const hashes: string[] = [];
  const put = await time(async () => {
    for (const b of blobs) hashes.push((await store.put(b)).hash);
  });
  const get = await time(async () => {
    for (const h of hashes) await store.get(h);
  });
  const materialize = await time(async () => {
    for (const h of hashes) await store.materialize(h);
  });
  return { put, get, materialize };
}

const home = await mkdtemp(join(tmpdir(), 'kiln-enc-bench-'));
try {
  const plain = await FsArtifactStore.open(join(home, 'plain'));
  const k1 = parseMasterKey(randomBytes(32).toString('hex'));
  const k2 = parseMasterKey(randomBytes(32).toString('hex'));
  const enc = await ArtifactEncryption.open(await FsArtifactStore.open(join(home, 'enc')), { active: k1, old: [] }, { cacheRoot: join(home, 'dec'), cacheBytes: 1e12 });
  const p = await measure(plain);
  const e = await measure(enc.store);
  const rotating = await ArtifactEncryption.open(await FsArtifactStore.open(join(home, 'enc')), { active: k2, old: [k1] }, { cacheRoot: join(home, 'dec2'), cacheBytes: 1e12 });
  const noAudit = { audit: async () => undefined } as unknown as SecurityService;
  const rotate = await time(() => rotating.rotate({ actor: 'bench', kind: 'local', grants: [], superuser: true }, {}, noAudit));
  const total = (mib * count) / 1024;
  console.log(`${count} blobs x ${mib} MiB (${total.toFixed(2)} GiB), node ${process.version}`);
  console.log('op           plain s   encrypted s   ratio   encrypted GiB/s');
  for (const op of ['put', 'get', 'materialize'] as const) {
    console.log(`${op.padEnd(12)} ${p[op].toFixed(3).padStart(7)}   ${e[op].toFixed(3).padStart(11)}   ${(e[op] / p[op]).toFixed(2).padStart(5)}x   ${(total / e[op]).toFixed(2)}`);
  }
  console.log(`rotate (re-wrap, body copied): ${rotate.toFixed(3)} s, ${(total / rotate).toFixed(2)} GiB/s`);
  await enc.close();
  await rotating.close();
} finally {
  await rm(home, { recursive: true, force: true });
}
