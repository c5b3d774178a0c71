/**
 * End-to-end on S3: the real CLI with `KILN_ARTIFACTS_URL=s3://...` against s3rver (an npm package this
 * test starts on port 0, so it runs everywhere, CI included). Register stores the Parquet in the bucket,
 * a `NAME@VERSION` read materializes it through the local cache, and `kiln gc` lists the bucket.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

describe('kiln with S3 artifacts', () => {
  let server: S3rverInstance;
  let serverDir: string;
  let env: Record<string, string>;
  let client: S3Client;

  beforeAll(async () => {
    // The SDK's "Node 22 soon" notice is irrelevant here (the CLI silences it the same way).
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    serverDir = mkdtempSync(join(tmpdir(), 'kiln-s3rver-e2e-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: serverDir });
    const { port } = await server.run();
    env = { KILN_ARTIFACTS_URL: 's3://kiln-e2e/blobs', AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
    client = new S3Client({ endpoint: env.AWS_ENDPOINT_URL_S3, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await client.send(new CreateBucketCommand({ Bucket: 'kiln-e2e' }));
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
    rmSync(serverDir, { recursive: true, force: true });
  });

  it('registers into the bucket, reads NAME@VERSION through the cache, and gc keeps what is referenced', async () => {
    const home = await tempDir();
    const data = join(home, 'd.csv');
    writeFileSync(data, 'id,city\n1,Oslo\n2,Lima\n3,Pune\n4,Oslo\n');
    const reg = await runKiln(['data', 'register', data, '--name', 'cities', '--json'], { home, env });
    expect(reg.code, reg.stderr).toBe(0);
    // The version's Parquet data and its profile document, content-addressed under the prefix.
    const keys = ((await client.send(new ListObjectsCommand({ Bucket: 'kiln-e2e', Prefix: 'blobs/' }))).Contents ?? []).map((o) => o.Key);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).toMatch(/^blobs\/[0-9a-f]{2}\/[0-9a-f]{62}$/);

    const profile = await runKiln(['data', 'profile', 'cities@1', '--json'], { home, env });
    expect(profile.code, profile.stderr).toBe(0);
    expect(json<{ rows: number }>(profile).rows).toBe(4);

    await client.send(new PutObjectCommand({ Bucket: 'kiln-e2e', Key: `blobs/${'ab'}/${'c'.repeat(62)}`, Body: 'orphan' }));
    const gc = await runKiln(['gc', '--apply', '--grace', '0', '--json'], { home, env });
    expect(gc.code, gc.stderr).toBe(0);
    expect(json(gc)).toMatchObject({ location: 's3://kiln-e2e/blobs/', scanned: 3, referenced: 2, deleted: 1, garbage: [{ hash: `ab${'c'.repeat(62)}`, size: 6 }] });
    const after = await runKiln(['data', 'profile', 'cities@1', '--json'], { home, env });
    expect(after.code, after.stderr).toBe(0);
  });

  it('fails with exit 3 and names KILN_ARTIFACTS_URL when the bucket does not exist', async () => {
    const home = await tempDir();
    const data = join(home, 'd.csv');
    writeFileSync(data, 'a\n1\n');
    const run = await runKiln(['data', 'register', data, '--name', 'x', '--json'], { home, env: { ...env, KILN_ARTIFACTS_URL: 's3://no-such-bucket' } });
    expect(run.code).toBe(3);
    const err = JSON.parse(run.stderr) as { error: { code: string; message: string; hint: string; details: { field: string } } };
    expect(err.error.message).toContain("the bucket 'no-such-bucket' of KILN_ARTIFACTS_URL=s3://no-such-bucket/ does not exist");
    expect(err.error.details.field).toBe('KILN_ARTIFACTS_URL');
    expect(err.error.hint).toMatch(/create the bucket/);
  });
});
