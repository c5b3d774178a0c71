/**
 * S3-compatible adapter of the `ArtifactStore` port (`KILN_ARTIFACTS_URL=s3://bucket/prefix`). Keys are
 * `<prefix>ab/cdef...`, the filesystem store's layout, so a local store can be copied into a bucket as is.
 *
 * Content addressing: the object key is the sha256, which must be known before the upload starts. A
 * stream is therefore first spooled to a local temp file (inside the materialize cache's folder) while it
 * is hashed, then uploaded from that file to its final key; a file (`putFile`) is hashed in place and
 * uploaded from itself. We chose this over "upload to a temp key, then copy": S3 publishes an object
 * atomically on PutObject / CompleteMultipartUpload, so readers never see a partial blob either way, but
 * the spool needs no server-side copy (which S3 limits to 5 GB per request), leaves no orphaned temp
 * keys after a crash, and lets every part be resent on a retry. The finished spool is then moved into
 * the cache, so reading a blob just written needs no download. Reads verify the hash; `materialize`
 * fills the bounded local cache. Retries are the SDK's (`AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { InputError, NotFoundError } from '../../core/errors.js';
import type { ArtifactRef, ArtifactStore, StoredArtifact } from '../artifact-store.js';
import type { ArtifactStoreCache } from '../artifact-store-cache.js';
import { checkArtifactHash, corruptedArtifactError, isArtifactHash, verifyingTransform } from '../artifact-store-integrity.js';
import type { BlobRange, RawBlobAccess } from '../raw-blob-access.js';
import type { S3ArtifactConfig } from './s3-artifact-config.js';
import { s3ErrorFor } from './s3-artifact-errors.js';
import type { UploadTuning } from './s3-blob-upload.js';
import { uploadBlob } from './s3-blob-upload.js';

const READ_CHUNK = 1 << 20;
/** Defaults: parts of 16 MiB above 32 MiB, 4 in flight (64 MiB of part buffers at most). */
export const DEFAULT_UPLOAD_TUNING: UploadTuning = { multipartThreshold: 32 << 20, partSize: 16 << 20, concurrency: 4 };

// Kiln supports Node 20 and pins an SDK that runs on it; the SDK's notice that later releases will need
// Node 22 would otherwise be printed by every CLI command that touches S3.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Builds the SDK client for a configuration (retries and timeouts set here). */
export function createS3Client(config: S3ArtifactConfig): S3Client {
  return new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    maxAttempts: config.maxAttempts,
    retryMode: config.retryMode,
    ...(config.endpoint ? { endpoint: config.endpoint.url } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // Integrity is ours (sha256 keys, verified reads); the SDK's newer default checksums are not
    // understood by every S3-compatible server.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });
}

/** Content-addressed blobs in an S3-compatible bucket. */
export class S3ArtifactStore implements ArtifactStore, RawBlobAccess {
  readonly location: string;
  private bucketChecked: Promise<void> | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly config: S3ArtifactConfig,
    private readonly cache: ArtifactStoreCache,
    private readonly tuning: UploadTuning = DEFAULT_UPLOAD_TUNING,
  ) {
    this.location = config.location;
  }

  async put(bytes: Uint8Array): Promise<ArtifactRef> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    await this.upload(hash, bytes.byteLength, hash, async (offset, length) => bytes.subarray(offset, offset + length));
    return { hash, size: bytes.byteLength };
  }

  async putStream(source: AsyncIterable<Uint8Array>): Promise<ArtifactRef> {
    const spool = this.cache.tempPath();
    try {
      const hasher = createHash('sha256');
      let size = 0;
      const handle = await open(spool, 'wx');
      try {
        for await (const chunk of source) {
          hasher.update(chunk);
          size += chunk.byteLength;
          let offset = 0;
          while (offset < chunk.byteLength) offset += (await handle.write(chunk, offset, chunk.byteLength - offset)).bytesWritten;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const hash = hasher.digest('hex');
      await this.uploadFile(spool, hash, size);
      // The blob is stored; keeping the spool as a cache entry is only an optimization.
      await this.cache.adopt(hash, spool).catch(() => undefined);
      return { hash, size };
    } finally {
      await rm(spool, { force: true });
    }
  }

  async putFile(path: string): Promise<ArtifactRef> {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') throw new NotFoundError(`file not found: ${path}`, { file: path }, 'check the path');
      throw err;
    }
    if (!info.isFile()) throw new InputError(`${path} is not a regular file`, { file: path }, 'pass a file, not a folder');
    const hasher = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) hasher.update(chunk as Buffer);
    const hash = hasher.digest('hex');
    await this.uploadFile(path, hash, info.size);
    return { hash, size: info.size };
  }

  async get(hash: string): Promise<Uint8Array> {
    const body = await this.openObject(hash);
    const chunks: Buffer[] = [];
    const hasher = createHash('sha256');
    try {
      for await (const chunk of body) {
        hasher.update(chunk as Buffer);
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      throw s3ErrorFor(err, this.config, 'GetObject', this.keyOf(hash));
    }
    const actual = hasher.digest('hex');
    if (actual !== hash) throw corruptedArtifactError(hash, actual, this.location);
    const bytes = Buffer.concat(chunks);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async openReadStream(hash: string): Promise<Readable> {
    const body = await this.openObject(hash);
    const verify = verifyingTransform(hash, (actual) => corruptedArtifactError(hash, actual, this.location));
    return pipeline(body, verify, () => undefined);
  }

  async materialize(hash: string): Promise<string> {
    checkArtifactHash(hash);
    return this.cache.materialize(hash, () => this.openObject(hash), this.location);
  }

  async has(hash: string): Promise<boolean> {
    return (await this.stat(hash)) !== null;
  }

  async stat(hash: string): Promise<StoredArtifact | null> {
    const key = this.keyOf(hash);
    await this.checkBucket();
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return { hash, size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (err) {
      // HEAD has no body, so a 404 cannot say why; the bucket was checked above, so it is the key.
      if (statusOf(err) === 404) return null;
      throw s3ErrorFor(err, this.config, 'HeadObject', key);
    }
  }

  async *list(): AsyncIterable<StoredArtifact> {
    await this.checkBucket();
    const { bucket, prefix } = this.config;
    let marker: string | undefined;
    // ListObjects (v1) pages by the last key seen: every S3-compatible server implements it, while
    // ListObjectsV2's opaque continuation tokens are not equally well supported.
    for (;;) {
      let page;
      try {
        page = await this.client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, ...(marker ? { Marker: marker } : {}) }));
      } catch (err) {
        throw s3ErrorFor(err, this.config, 'ListObjects');
      }
      const contents = page.Contents ?? [];
      for (const object of contents) {
        const rest = object.Key?.slice(prefix.length) ?? '';
        const hash = rest.slice(0, 2) + rest.slice(3);
        if (rest[2] !== '/' || !isArtifactHash(hash)) continue;
        yield { hash, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      if (!page.IsTruncated || contents.length === 0) return;
      marker = page.NextMarker ?? contents[contents.length - 1].Key;
    }
  }

  async delete(hash: string): Promise<boolean> {
    const key = this.keyOf(hash);
    // DeleteObject succeeds for missing keys too; HEAD first to report whether there was a blob.
    const existed = await this.has(hash);
    if (existed) {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
      } catch (err) {
        throw s3ErrorFor(err, this.config, 'DeleteObject', key);
      }
    }
    await this.cache.remove(hash);
    return existed;
  }

  /** A temp path in the local cache's folder (staged blobs are uploaded from there, then removed). */
  stagingPath(): string {
    return this.cache.tempPath();
  }

  async publishStaged(hash: string, staged: string): Promise<void> {
    try {
      const { size } = await stat(staged);
      await this.uploadFile(staged, hash, size, null);
      // A cached copy holds the previous stored bytes of this key.
      await this.cache.remove(hash);
    } finally {
      await rm(staged, { force: true });
    }
  }

  async openRaw(hash: string, range?: BlobRange): Promise<Readable> {
    return this.openObject(hash, range);
  }

  /** Releases the SDK's sockets. */
  destroy(): void {
    this.client.destroy();
  }

  private async uploadFile(path: string, hash: string, size: number, expectedHash: string | null = hash): Promise<void> {
    const handle: FileHandle = await open(path, 'r');
    try {
      await this.upload(hash, size, expectedHash, async (offset, length) => {
        const buffer = Buffer.allocUnsafe(length);
        let read = 0;
        while (read < length) {
          const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
          if (bytesRead === 0) throw new InputError(`${path} shrank while it was being stored`, { file: path }, 'do not modify a file while Kiln stores it');
          read += bytesRead;
        }
        return buffer;
      });
    } finally {
      await handle.close();
    }
  }

  private async upload(hash: string, size: number, expectedHash: string | null, readPart: (offset: number, length: number) => Promise<Uint8Array>): Promise<void> {
    const key = this.keyOf(hash);
    await this.checkBucket();
    try {
      await uploadBlob(this.client, this.config.bucket, key, expectedHash, size, readPart, this.tuning);
    } catch (err) {
      throw s3ErrorFor(err, this.config, 'PutObject', key);
    }
  }

  private async openObject(hash: string, range?: BlobRange): Promise<Readable> {
    const key = this.keyOf(hash);
    await this.checkBucket();
    try {
      const Range = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key, ...(Range ? { Range } : {}) }));
      return object.Body as Readable;
    } catch (err) {
      if (nameOf(err) === 'NoSuchKey' || (statusOf(err) === 404 && nameOf(err) !== 'NoSuchBucket')) {
        throw new NotFoundError(`artifact ${hash} not found in ${this.location}`, { field: 'hash' }, 'the artifact was deleted or the metadata points at another artifact store');
      }
      throw s3ErrorFor(err, this.config, 'GetObject', key);
    }
  }

  /** Checks once per store (again after a failure) that the bucket answers, for clear errors up front. */
  private checkBucket(): Promise<void> {
    this.bucketChecked ??= this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket })).then(
      () => undefined,
      (err: unknown) => {
        this.bucketChecked = undefined;
        throw s3ErrorFor(err, this.config, 'HeadBucket');
      },
    );
    return this.bucketChecked;
  }

  private keyOf(hash: string): string {
    checkArtifactHash(hash);
    return `${this.config.prefix}${hash.slice(0, 2)}/${hash.slice(2)}`;
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function nameOf(err: unknown): string | undefined {
  return (err as { name?: string } | null)?.name;
}
