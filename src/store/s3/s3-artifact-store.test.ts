/**
 * S3 artifact store: the shared contract against a real S3-compatible server (s3rver, an npm package, so
 * it always runs, in CI too) started on port 0 over a temp folder; plus multipart uploads, the local
 * cache, and the typed errors for a missing bucket, bad credentials and an unreachable endpoint.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalError, NotFoundError } from '../../core/errors.js';
import { describeArtifactStoreContract } from '../artifact-store.contract.js';
import { ArtifactStoreCache } from '../artifact-store-cache.js';
import { s3ArtifactConfig } from './s3-artifact-config.js';
import { ArtifactAccessDeniedError, ArtifactBucketNotFoundError, ArtifactStoreUnreachableError } from './s3-artifact-errors.js';
import type { UploadTuning } from './s3-blob-upload.js';
import { createS3Client, S3ArtifactStore } from './s3-artifact-store.js';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

const BUCKET = 'kiln-test';
let server: S3rverInstance;
let serverDir: string;
let endpoint: string;

beforeAll(async () => {
  serverDir = mkdtempSync(join(tmpdir(), 'kiln-s3rver-'));
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: serverDir });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  const admin = createS3Client(configFor('s3://kiln-test'));
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  admin.destroy();
});

afterAll(async () => {
  await server.close();
  rmSync(serverDir, { recursive: true, force: true });
});

function configFor(url: string, env: NodeJS.ProcessEnv = {}): ReturnType<typeof s3ArtifactConfig> {
  return s3ArtifactConfig(url, { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_MAX_ATTEMPTS: '2', ...env });
}

interface Opened {
  store: S3ArtifactStore;
  client: S3Client;
  prefix: string;
  home: string;
  cache: ArtifactStoreCache;
  /** Names of the S3 commands sent, in order. */
  commands: string[];
}

async function openStore(opts: { url?: string; env?: NodeJS.ProcessEnv; tuning?: UploadTuning; cacheBytes?: number; protectMs?: number } = {}): Promise<Opened> {
  const prefix = `t-${randomUUID()}/`;
  const config = configFor(opts.url ?? `s3://${BUCKET}/${prefix}`, opts.env);
  const client = createS3Client(config);
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize' },
  );
  const home = mkdtempSync(join(tmpdir(), 'kiln-s3-home-'));
  const cache = await ArtifactStoreCache.open(join(home, 'cache'), { maxBytes: opts.cacheBytes ?? 1 << 30, ...(opts.protectMs !== undefined ? { protectMs: opts.protectMs } : {}) });
  // Small parts so the 3 MiB contract blob goes multipart (s3rver has no 5 MiB minimum part size).
  const store = new S3ArtifactStore(client, config, cache, opts.tuning ?? { multipartThreshold: 1 << 20, partSize: 1 << 20, concurrency: 3 });
  return { store, client, prefix, home, cache, commands };
}

async function rawKeys(client: S3Client, prefix: string): Promise<string[]> {
  const page = await client.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => String(o.Key).slice(prefix.length));
}

describeArtifactStoreContract('s3 (s3rver)', async () => {
  const opened = await openStore();
  const { store, client, prefix, home } = opened;
  return {
    store,
    corrupt: async (hash) => {
      const key = `${prefix}${hash.slice(0, 2)}/${hash.slice(2)}`;
      const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      bytes[1000] ^= 0xff;
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
    },
    // Every key under the prefix plus upload spools left in the local temp folder.
    storedObjects: async () => [...(await rawKeys(client, prefix)), ...readdirSync(join(home, 'cache', '.tmp')).map((n) => `.tmp/${n}`)],
    dispose: async () => {
      store.destroy();
      rmSync(home, { recursive: true, force: true });
    },
  };
});

describe('S3ArtifactStore', () => {
  it('uses a multipart upload above the threshold and a single PUT below it', async () => {
    const { store, commands, home } = await openStore();
    try {
      const big = new Uint8Array(3 * (1 << 20) + 5).map((_, i) => (i * 7) & 0xff);
      const ref = await store.put(big);
      expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(4);
      expect(commands).toContain('CompleteMultipartUploadCommand');
      expect(Buffer.from(await store.get(ref.hash)).equals(Buffer.from(big))).toBe(true);
      commands.length = 0;
      await store.put(new Uint8Array(1 << 20));
      expect(commands.filter((c) => c.startsWith('Upload') || c.startsWith('Put'))).toEqual(['PutObjectCommand']);
    } finally {
      store.destroy();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('keeps a streamed upload in the local cache, so materialize needs no download', async () => {
    const { store, commands, home, cache } = await openStore();
    try {
      async function* source(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 5; i++) yield new Uint8Array(300_000).fill(i);
      }
      const ref = await store.putStream(source());
      expect(await cache.usage()).toEqual({ files: 1, bytes: 1_500_000 });
      commands.length = 0;
      await store.materialize(ref.hash);
      expect(commands.filter((c) => c === 'GetObjectCommand')).toEqual([]);
      expect(readdirSync(join(home, 'cache', '.tmp'))).toEqual([]);
    } finally {
      store.destroy();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('materialize fills a bounded cache, evicting the least recently used blob', async () => {
    const { store, home, cache } = await openStore({ cacheBytes: 2500, protectMs: 0 });
    const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 15));
    try {
      const refs = [];
      for (let i = 0; i < 3; i++) refs.push(await store.put(new Uint8Array(1000).fill(i + 1)));
      await store.materialize(refs[0].hash);
      await pause();
      await store.materialize(refs[1].hash);
      await pause();
      await store.materialize(refs[0].hash); // a hit: refs[1] is now the least recently used
      await pause();
      await store.materialize(refs[2].hash);
      expect(await cache.usage()).toEqual({ files: 2, bytes: 2000 });
      const cached = readdirSync(join(home, 'cache'), { recursive: true }).map(String).filter((p) => p.length > 60).map((p) => p.replace('/', ''));
      expect(cached.sort()).toEqual([refs[0].hash, refs[2].hash].sort());
      // Evicted entries are fetched again on demand.
      expect(Buffer.from(readFileSync(await store.materialize(refs[1].hash))).equals(Buffer.alloc(1000, 2))).toBe(true);
    } finally {
      store.destroy();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('says which bucket is missing, naming KILN_ARTIFACTS_URL', async () => {
    const { store, home } = await openStore({ url: 's3://no-such-bucket/x' });
    try {
      const err = await store.put(new Uint8Array([1])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ArtifactBucketNotFoundError);
      expect((err as Error).message).toContain("the bucket 'no-such-bucket' of KILN_ARTIFACTS_URL=s3://no-such-bucket/x/ does not exist");
      expect((err as ArtifactBucketNotFoundError).details.field).toBe('KILN_ARTIFACTS_URL');
      await expect(store.has('a'.repeat(64))).rejects.toBeInstanceOf(ArtifactBucketNotFoundError);
    } finally {
      store.destroy();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('reports unknown credentials as access denied', async () => {
    const { store, home } = await openStore({ env: { AWS_ACCESS_KEY_ID: 'NOBODY', AWS_SECRET_ACCESS_KEY: 'wrong' } });
    try {
      const err = await store.get('a'.repeat(64)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ArtifactAccessDeniedError);
      expect((err as Error).message).toMatch(/access denied to KILN_ARTIFACTS_URL=s3:\/\/kiln-test\//);
      expect((err as ArtifactAccessDeniedError).hint).toMatch(/AWS_ACCESS_KEY_ID/);
    } finally {
      store.destroy();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('reports an unreachable endpoint naming the endpoint variable', async () => {
    const closedPort = await new Promise<number>((done) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => done(port));
      });
    });
    const { store, home } = await openStore({ env: { AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${closedPort}`, AWS_MAX_ATTEMPTS: '1' } });
    try {
      const err = await store.get('a'.repeat(64)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ArtifactStoreUnreachableError);
      expect((err as Error).message).toContain(`AWS_ENDPOINT_URL_S3=http://127.0.0.1:${closedPort}`);
      expect((err as ArtifactStoreUnreachableError).details.field).toBe('AWS_ENDPOINT_URL_S3');
      await expect(store.materialize('a'.repeat(64))).rejects.toBeInstanceOf(ArtifactStoreUnreachableError);
    } finally {
      store.destroy();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('ignores foreign objects under the prefix when listing', async () => {
    const { store, client, prefix, home } = await openStore();
    try {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}README.txt`, Body: 'not a blob' }));
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}zz/${'0'.repeat(62)}`, Body: 'bad folder' }));
      const ref = await store.put(new TextEncoder().encode('abc'));
      const listed = [];
      for await (const entry of store.list()) listed.push(entry.hash);
      expect(listed).toEqual([ref.hash]);
      await expect(store.materialize('0'.repeat(64))).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      store.destroy();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('retries throttled requests (the SDK retries, with resendable part bodies)', async () => {
    // A proxy that answers the first attempt of every PUT (parts, single puts) with 503 SlowDown.
    const seen = new Set<string>();
    let throttled = 0;
    const proxy = createHttpServer((req, res) => {
      const key = `${req.method} ${req.url}`;
      if (req.method === 'PUT' && !seen.has(key)) {
        seen.add(key);
        throttled++;
        req.resume();
        res.writeHead(503, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
        return;
      }
      const target = new URL(endpoint);
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const retrying = await openStore({ env: { AWS_ENDPOINT_URL: proxyUrl, AWS_MAX_ATTEMPTS: '3' } });
    const single = await openStore({ url: retrying.store.location, env: { AWS_ENDPOINT_URL: proxyUrl, AWS_MAX_ATTEMPTS: '1' } });
    try {
      const big = new Uint8Array(3 * (1 << 20) + 1).map((_, i) => (i * 5) & 0xff);
      const ref = await retrying.store.put(big);
      expect(throttled).toBe(4); // every part was refused once and resent
      expect(Buffer.from(await retrying.store.get(ref.hash)).equals(Buffer.from(big))).toBe(true);
      // Without retries the same throttling fails the write, and nothing is stored.
      const small = new TextEncoder().encode('small');
      const err = await single.store.put(small).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InternalError);
      expect((err as Error).message).toMatch(/SlowDown/);
      expect(await single.store.has(createHash('sha256').update(small).digest('hex'))).toBe(false);
      expect(await retrying.store.put(new TextEncoder().encode('small too'))).toMatchObject({ size: 9 });
      expect(throttled).toBe(6);
    } finally {
      retrying.store.destroy();
      single.store.destroy();
      await new Promise((done) => proxy.close(done));
      rmSync(retrying.home, { recursive: true, force: true });
      rmSync(single.home, { recursive: true, force: true });
    }
  });
});
