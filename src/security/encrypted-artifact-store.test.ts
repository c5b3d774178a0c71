/**
 * Encryption at rest on the filesystem adapter: the ArtifactStore contract over the encrypted decorator,
 * ciphertext-only bytes on disk, wrong and missing keys, tampering, rotation (then the old key removed), key
 * status, mixed plain/encrypted stores, and the key configuration (KILN_MASTER_KEY, the key file's mode).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InternalError, UsageError } from '../core/errors.js';
import { describeArtifactStoreContract } from '../store/artifact-store.contract.js';
import { FsArtifactStore } from '../store/fs/fs-artifact-store.js';
import { ArtifactEncryption } from './artifact-encryption.js';
import type { MasterKeyring } from './encrypted-artifact-store.js';
import { ArtifactTamperedError, MasterKeyError } from './encryption-errors.js';
import { parseMasterKey } from './envelope-encryption.js';
import { masterKeysFromEnv } from './master-keys-from-env.js';
import type { Principal } from './permissions.js';
import type { SecurityService } from './security-service.js';

const K1 = parseMasterKey(randomBytes(32).toString('hex'));
const K2 = parseMasterKey(randomBytes(32).toString('base64'));

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

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** An encrypted store over a fresh folder (`home/artifacts`), decrypted copies in `home/cache/decrypted`. */
async function openEncrypted(home: string, keyring: MasterKeyring | null): Promise<ArtifactEncryption> {
  const raw = await FsArtifactStore.open(join(home, 'artifacts'));
  const enc = await ArtifactEncryption.open(raw, keyring, { cacheRoot: join(home, 'cache', 'decrypted'), cacheBytes: 1 << 30 });
  cleanup.push(() => enc.close());
  return enc;
}

function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'kiln-enc-'));
  cleanup.push(async () => rmSync(home, { recursive: true, force: true }));
  return home;
}

describeArtifactStoreContract('encrypted over fs', async () => {
  const home = mkdtempSync(join(tmpdir(), 'kiln-enc-contract-'));
  const root = join(home, 'artifacts');
  const enc = await openEncrypted(home, { active: K1, old: [] });
  return {
    store: enc.store,
    corrupt: async (hash) => {
      const handle = await open(blobPath(root, hash), 'r+');
      await handle.write(new Uint8Array([0xde, 0xad]), 0, 2, 1000);
      await handle.close();
    },
    storedObjects: async () => listFiles(root),
    dispose: async () => {
      await enc.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
});

// Without a key (the embedded default) the store is the adapter plus error explanations: same contract.
describeArtifactStoreContract('unkeyed over fs', async () => {
  const home = mkdtempSync(join(tmpdir(), 'kiln-unkeyed-contract-'));
  const root = join(home, 'artifacts');
  const enc = await openEncrypted(home, null);
  return {
    store: enc.store,
    corrupt: async (hash) => {
      const handle = await open(blobPath(root, hash), 'r+');
      await handle.write(new Uint8Array([0xde, 0xad]), 0, 2, 1000);
      await handle.close();
    },
    storedObjects: async () => listFiles(root),
    dispose: async () => rmSync(home, { recursive: true, force: true }),
  };
});

/** Recording stand-in for the audit sink: only `audit` is called by rotation. */
function auditRecorder(): { security: SecurityService; events: { action: string; after: unknown }[] } {
  const events: { action: string; after: unknown }[] = [];
  const security = { audit: async (e: { action: string; after: unknown }) => void events.push(e) } as unknown as SecurityService;
  return { security, events };
}

const admin: Principal = { actor: 'local:test', kind: 'local', grants: [], superuser: true };

describe('EncryptedArtifactStore (fs)', () => {
  const secret = Buffer.from('customer_id,email\n1,alice.secret@example.com\n2,bob.secret@example.com\n'.repeat(50));

  it('writes only ciphertext to disk and reads the plain bytes back under their sha256', async () => {
    const home = tempHome();
    const { store } = await openEncrypted(home, { active: K1, old: [] });
    const ref = await store.put(secret);
    const onDisk = readFileSync(blobPath(join(home, 'artifacts'), ref.hash));
    expect(onDisk.subarray(0, 8).toString()).toBe('KILNENC1');
    expect(onDisk.includes('alice.secret')).toBe(false);
    expect(ref.size).toBe(secret.length);
    expect(Buffer.from(await store.get(ref.hash)).equals(secret)).toBe(true);
    const path = await store.materialize(ref.hash);
    expect(readFileSync(path).equals(secret)).toBe(true);
    // The decrypted copy is private to its owner.
    expect(statSync(join(home, 'cache', 'decrypted')).mode & 0o077).toBe(0);
  });

  it('fails clearly with the wrong key and without a key, naming KILN_MASTER_KEY', async () => {
    const home = tempHome();
    const { store } = await openEncrypted(home, { active: K1, old: [] });
    const { hash } = await store.put(secret);
    const wrong = (await openEncrypted(home, { active: K2, old: [] })).store;
    for (const attempt of [() => wrong.get(hash), () => wrong.materialize(hash), () => wrong.openReadStream(hash)]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MasterKeyError);
      expect((err as Error).message).toMatch(/KILN_MASTER_KEY/);
      expect((err as MasterKeyError).details.keyId).toBe(K1.id);
    }
    const none = (await openEncrypted(home, null)).store;
    for (const attempt of [() => none.get(hash), () => none.materialize(hash)]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MasterKeyError);
      expect((err as Error).message).toMatch(/encrypted at rest.*KILN_MASTER_KEY/);
    }
    const streamErr = await (async () => {
      for await (const chunk of await none.openReadStream(hash)) void chunk;
    })().catch((e: unknown) => e);
    expect(streamErr).toBeInstanceOf(MasterKeyError);
  });

  it('detects tampering in the header, the wrapped key, the body and the tag, and a blob moved to another address', async () => {
    const home = tempHome();
    const root = join(home, 'artifacts');
    const { store } = await openEncrypted(home, { active: K1, old: [] });
    const { hash } = await store.put(secret);
    const good = readFileSync(blobPath(root, hash));
    for (const offset of [30, 60, 200, good.length - 3]) {
      const bad = Buffer.from(good);
      bad[offset] ^= 0x01;
      writeFileSync(blobPath(root, hash), bad);
      const err = await store.get(hash).catch((e: unknown) => e);
      expect(err, `offset ${offset}`).toBeInstanceOf(ArtifactTamperedError);
      expect(err).toBeInstanceOf(InternalError);
      expect((err as Error).message).toMatch(/tampered/);
    }
    for (const cut of [good.length - 20, 90, 40, 8]) {
      writeFileSync(blobPath(root, hash), good.subarray(0, cut));
      await expect(store.get(hash), `cut at ${cut}`).rejects.toBeInstanceOf(ArtifactTamperedError);
      await expect(store.materialize(hash), `cut at ${cut}`).rejects.toBeInstanceOf(ArtifactTamperedError);
    }
    // A valid envelope of other bytes copied under this address: GCM passes, the address check does not.
    const other = await store.put(Buffer.from('other bytes'));
    writeFileSync(blobPath(root, hash), readFileSync(blobPath(root, other.hash)));
    await expect(store.get(hash)).rejects.toThrow(/moved from another address/);
    await expect(store.materialize(hash)).rejects.toBeInstanceOf(InternalError);
  });

  it('rotates: re-wraps every data key without touching bodies, resumes, audits, and reads after the old key is removed', async () => {
    const home = tempHome();
    const root = join(home, 'artifacts');
    const first = await openEncrypted(home, { active: K1, old: [] });
    const refs = await Promise.all([secret, Buffer.from('abc'), randomBytes(2_000_000)].map((b) => first.store.put(b)));
    const before = new Map(refs.map((r) => [r.hash, readFileSync(blobPath(root, r.hash))]));
    // One blob already under the new key: a resumed rotation skips it.
    const rotating = await openEncrypted(home, { active: K2, old: [K1] });
    expect(await rotating.store.put(Buffer.from('abc'))).toEqual(refs[1]);
    const { security, events } = auditRecorder();
    const progress: number[] = [];
    const report = await rotating.rotate(admin, { onProgress: (done) => progress.push(done) }, security);
    expect(report).toMatchObject({ blobs: 3, rewrapped: 2, current: 1, plain: 0, failed: [], activeKeyId: K2.id });
    expect(progress).toEqual([1, 2, 3]);
    expect(events).toHaveLength(1);
    expect(events[0].action).toBe('keys.rotate');
    for (const r of [refs[0], refs[2]]) {
      const old = before.get(r.hash)!;
      const now = readFileSync(blobPath(root, r.hash));
      // Body (IV, ciphertext, tag) byte for byte the same; only the header changed.
      expect(now.subarray(now.length - r.size - 28).equals(old.subarray(old.length - r.size - 28))).toBe(true);
      expect(now.subarray(0, 85).equals(old.subarray(0, 85))).toBe(false);
    }
    const again = await rotating.rotate(admin, {}, security);
    expect(again).toMatchObject({ rewrapped: 0, current: 3 });
    const onlyNew = await openEncrypted(home, { active: K2, old: [] });
    for (const r of refs) expect((await onlyNew.store.get(r.hash)).byteLength).toBe(r.size);
    expect(Buffer.from(await onlyNew.store.get(refs[0].hash)).equals(secret)).toBe(true);
    const onlyOld = await openEncrypted(home, { active: K1, old: [] });
    await expect(onlyOld.store.get(refs[0].hash)).rejects.toBeInstanceOf(MasterKeyError);
  });

  it('reports status per key, reads blobs stored before encryption was on, and encrypts them on request', async () => {
    const home = tempHome();
    const plainStore = await openEncrypted(home, null);
    const plainRef = await plainStore.store.put(secret);
    const enc = await openEncrypted(home, { active: K1, old: [] });
    const encRef = await enc.store.put(Buffer.from('encrypted one'));
    await enc.store.put(new Uint8Array(0));
    expect(Buffer.from(await enc.store.get(plainRef.hash)).equals(secret)).toBe(true);
    expect(await enc.store.stat(plainRef.hash)).toMatchObject({ size: secret.length });
    // Plain bytes that happen to start like an envelope, stored before encryption was on, still read.
    const lookalike = Buffer.from('KILNENC1 is how encrypted Kiln blobs start');
    const lookalikeRef = await plainStore.store.put(lookalike);
    expect(Buffer.from(await enc.store.get(lookalikeRef.hash)).equals(lookalike)).toBe(true);
    await enc.store.delete(lookalikeRef.hash);
    expect(await enc.store.stat(encRef.hash)).toMatchObject({ size: 13 });
    const status = await enc.status();
    // The empty blob written with encryption on is an envelope too.
    expect(status).toMatchObject({ enabled: true, activeKeyId: K1.id, blobs: 3, encrypted: 2, plain: 1 });
    expect(status.keys).toEqual([{ id: K1.id, blobs: 2, configured: true, active: true }]);
    expect(await plainStore.status()).toMatchObject({ enabled: false, activeKeyId: null, encrypted: 2, plain: 1, keys: [{ id: K1.id, configured: false }] });
    const { security } = auditRecorder();
    const report = await enc.rotate(admin, { encryptPlain: true }, security);
    expect(report).toMatchObject({ current: 2, encryptedPlain: 1, plain: 0 });
    expect(readFileSync(blobPath(join(home, 'artifacts'), plainRef.hash)).includes('alice.secret')).toBe(false);
    expect(Buffer.from(await enc.store.get(plainRef.hash)).equals(secret)).toBe(true);
    await expect(plainStore.rotate(admin, {}, security)).rejects.toThrow(/KILN_MASTER_KEY is not set/);
  });

  it('removes decrypted copies of crashed processes of this host on open, not those of other hosts', async () => {
    const home = tempHome();
    const root = join(home, 'cache', 'decrypted');
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 64) || 'host';
    // Above Linux's largest pid (2^22): no such process.
    mkdirSync(join(root, `${host}-4194400-deadbeef`, 'ab'), { recursive: true });
    writeFileSync(join(root, `${host}-4194400-deadbeef`, 'ab', 'leftover'), 'plain bytes');
    mkdirSync(join(root, `other-host-1-cafe0000`), { recursive: true });
    const enc = await openEncrypted(home, { active: K1, old: [] });
    const left = readdirSync(root).sort();
    expect(left).toContain('other-host-1-cafe0000');
    expect(left).not.toContain(`${host}-4194400-deadbeef`);
    await enc.close();
    expect(readdirSync(root)).toEqual(['other-host-1-cafe0000']);
  });

  it('removes its decrypted copies on close', async () => {
    const home = tempHome();
    const enc = await openEncrypted(home, { active: K1, old: [] });
    const path = await enc.store.materialize((await enc.store.put(secret)).hash);
    expect(readFileSync(path).equals(secret)).toBe(true);
    await enc.close();
    expect(readdirSync(join(home, 'cache', 'decrypted'))).toEqual([]);
  });
});

describe('masterKeysFromEnv', () => {
  const hex = randomBytes(32).toString('hex');

  it('is off without a key, reads KILN_MASTER_KEY and old keys', () => {
    expect(masterKeysFromEnv({})).toBeNull();
    const ring = masterKeysFromEnv({ KILN_MASTER_KEY: hex, KILN_MASTER_KEYS_OLD: ` ${Buffer.from(K1.key).toString("hex")} ,` });
    expect(ring?.active.id).toBe(parseMasterKey(hex).id);
    expect(ring?.old.map((k) => k.id)).toEqual([K1.id]);
  });

  it('reads a 0600 key file and refuses a group- or world-readable one', () => {
    const home = tempHome();
    const file = join(home, 'master.key');
    writeFileSync(file, `${hex}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    expect(masterKeysFromEnv({ KILN_MASTER_KEY_FILE: file })?.active.id).toBe(parseMasterKey(hex).id);
    chmodSync(file, 0o644);
    const err = (() => {
      try {
        masterKeysFromEnv({ KILN_MASTER_KEY_FILE: file });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/readable by others \(mode 0644\)/);
    expect((err as UsageError).hint).toMatch(/chmod 600/);
  });

  it('rejects malformed, conflicting and dangling configuration', () => {
    expect(() => masterKeysFromEnv({ KILN_MASTER_KEY: 'not-a-key' })).toThrow(/256-bit key/);
    expect(() => masterKeysFromEnv({ KILN_MASTER_KEY: hex, KILN_MASTER_KEY_FILE: '/x' })).toThrow(/not both/);
    expect(() => masterKeysFromEnv({ KILN_MASTER_KEYS_OLD: hex })).toThrow(/KILN_MASTER_KEY is not/);
    expect(() => masterKeysFromEnv({ KILN_MASTER_KEY: hex, KILN_MASTER_KEYS_OLD: `${hex},zz` })).toThrow(/KILN_MASTER_KEYS_OLD \(entry 2\)/);
    expect(() => masterKeysFromEnv({ KILN_MASTER_KEY_FILE: join(tmpdir(), 'kiln-no-such-key-file') })).toThrow(/cannot be read/);
    expect(() => masterKeysFromEnv({ KILN_MASTER_KEY: 'a'.repeat(100_000) })).toThrow(UsageError);
  });
});
