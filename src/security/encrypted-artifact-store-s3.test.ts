/**
 * Encryption at rest on the S3 adapter, against a real S3-compatible server (s3rver, in-process on port 0):
 * the ArtifactStore contract over the encrypted decorator, ciphertext-only objects, and a rotation read
 * back after the old key is removed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { CreateBucketCommand, GetObjectCommand, ListObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeArtifactStoreContract } from '../store/artifact-store.contract.js';
import { ArtifactStoreCache } from '../store/artifact-store-cache.js';
import { s3ArtifactConfig } from '../store/s3/s3-artifact-config.js';
import { createS3Client, S3ArtifactStore } from '../store/s3/s3-artifact-store.js';
import { ArtifactEncryption } from './artifact-encryption.js';
import type { MasterKeyring } from './encrypted-artifact-store.js';
import { MasterKeyError } from './encryption-errors.js';
import { parseMasterKey } from './envelope-encryption.js';
import type { SecurityService } from './security-service.js';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

const BUCKET = 'kiln-enc-test';
const K1 = parseMasterKey(randomBytes(32).toString('hex'));
const K2 = parseMasterKey(randomBytes(32).toString('hex'));
let server: S3rverInstance;
let serverDir: string;
let endpoint: string;

beforeAll(async () => {
  serverDir = mkdtempSync(join(tmpdir(), 'kiln-s3rver-enc-'));
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: serverDir });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  const admin = createS3Client(configFor(''));
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  admin.destroy();
});

afterAll(async () => {
  await server.close();
  rmSync(serverDir, { recursive: true, force: true });
});

function configFor(prefix: string): ReturnType<typeof s3ArtifactConfig> {
  return s3ArtifactConfig(`s3://${BUCKET}/${prefix}`, { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_MAX_ATTEMPTS: '2' });
}

interface Opened {
  enc: ArtifactEncryption;
  raw: S3ArtifactStore;
  client: S3Client;
  home: string;
  dispose(): Promise<void>;
}

async function openEncrypted(prefix: string, keyring: MasterKeyring | null): Promise<Opened> {
  const config = configFor(prefix);
  const client = createS3Client(config);
  const home = mkdtempSync(join(tmpdir(), 'kiln-s3-enc-home-'));
  const cache = await ArtifactStoreCache.open(join(home, 'cache', 'artifacts'), { maxBytes: 1 << 30 });
  // Small parts so the contract's 3 MiB blob goes multipart.
  const raw = new S3ArtifactStore(client, config, cache, { multipartThreshold: 1 << 20, partSize: 1 << 20, concurrency: 3 });
  const enc = await ArtifactEncryption.open(raw, keyring, { cacheRoot: join(home, 'cache', 'decrypted'), cacheBytes: 1 << 30 });
  return {
    enc,
    raw,
    client,
    home,
    dispose: async () => {
      await enc.close();
      raw.destroy();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function rawObject(client: S3Client, key: string): Promise<Buffer> {
  const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

describeArtifactStoreContract('encrypted over s3 (s3rver)', async () => {
  const prefix = `t-${randomUUID()}/`;
  const { enc, client, home, dispose } = await openEncrypted(prefix, { active: K1, old: [] });
  return {
    store: enc.store,
    corrupt: async (hash) => {
      const key = `${prefix}${hash.slice(0, 2)}/${hash.slice(2)}`;
      const bytes = await rawObject(client, key);
      bytes[1000] ^= 0xff;
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
    },
    storedObjects: async () => {
      const page = await client.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: prefix }));
      const keys = (page.Contents ?? []).map((o) => String(o.Key).slice(prefix.length));
      return [...keys, ...readdirSync(join(home, 'cache', 'artifacts', '.tmp')).map((n) => `.tmp/${n}`)];
    },
    dispose,
  };
});

describe('EncryptedArtifactStore (s3)', () => {
  it('stores only ciphertext objects, rotates them, and reads after the old key is removed', async () => {
    const prefix = `r-${randomUUID()}/`;
    const secret = Buffer.from('id,ssn\n1,123-45-6789\n'.repeat(1000));
    const first = await openEncrypted(prefix, { active: K1, old: [] });
    const second = await openEncrypted(prefix, { active: K2, old: [K1] });
    const third = await openEncrypted(prefix, { active: K2, old: [] });
    try {
      const ref = await first.enc.store.put(secret);
      const big = await first.enc.store.put(randomBytes(2_500_000));
      const key = `${prefix}${ref.hash.slice(0, 2)}/${ref.hash.slice(2)}`;
      const object = await rawObject(first.client, key);
      expect(object.includes('123-45-6789')).toBe(false);
      expect(object.subarray(0, 8).toString()).toBe('KILNENC1');
      const audits: string[] = [];
      const security = { audit: async (e: { action: string }) => void audits.push(e.action) } as unknown as SecurityService;
      const report = await second.enc.rotate({ actor: 'local:test', kind: 'local', grants: [], superuser: true }, {}, security);
      expect(report).toMatchObject({ blobs: 2, rewrapped: 2, current: 0, failed: [] });
      expect(audits).toEqual(['keys.rotate']);
      expect((await second.enc.status()).keys).toEqual([{ id: K2.id, blobs: 2, configured: true, active: true }]);
      expect(Buffer.from(await third.enc.store.get(ref.hash)).equals(secret)).toBe(true);
      expect((await third.enc.store.stat(big.hash))?.size).toBe(2_500_000);
      const materialized = await third.enc.store.materialize(big.hash);
      expect(materialized.startsWith(join(third.home, 'cache', 'decrypted'))).toBe(true);
      await expect(first.enc.store.get(ref.hash)).rejects.toBeInstanceOf(MasterKeyError);
    } finally {
      await Promise.all([first.dispose(), second.dispose(), third.dispose()]);
    }
  });
});
