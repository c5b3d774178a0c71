/**
 * Uploads one blob whose sha256 is already known to its final key. Up to `multipartThreshold` bytes go in
 * one PutObject; larger blobs go as a multipart upload of `partSize` parts, `concurrency` at a time. Both
 * become visible only when complete (S3 publishes an object atomically on PutObject or
 * CompleteMultipartUpload), so no reader sees a partial blob. Every part is a Buffer, which the SDK can
 * resend on a retry. The bytes are hashed again as they are read, in order, and the upload is abandoned
 * before it completes if they no longer match (a source file that changed since it was hashed).
 */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { InputError } from '../../core/errors.js';

/** Reads `length` bytes at `offset` of the blob (calls come in increasing offset order). */
export type ReadPart = (offset: number, length: number) => Promise<Uint8Array>;

/** Upload sizing. */
export interface UploadTuning {
  /** Blobs larger than this use a multipart upload. */
  multipartThreshold: number;
  /** Bytes per part (raised as needed to stay within S3's 10,000 parts). */
  partSize: number;
  /** Parts uploaded in parallel (memory: concurrency x partSize). */
  concurrency: number;
}

const MAX_PARTS = 10_000;

/**
 * Uploads `size` bytes read through `readPart` to `bucket/key`, checking they hash to `hash` (null: bytes that
 * are a transformed form of the blob, such as an encrypted one, which the transforming layer verifies).
 */
export async function uploadBlob(client: S3Client, bucket: string, key: string, hash: string | null, size: number, readPart: ReadPart, tuning: UploadTuning): Promise<void> {
  if (size <= tuning.multipartThreshold) {
    const body = size === 0 ? new Uint8Array(0) : await readPart(0, size);
    checkHash(createHash('sha256').update(body).digest('hex'), hash, key);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: size, ContentType: 'application/octet-stream' }));
    return;
  }
  const partSize = Math.max(tuning.partSize, Math.ceil(size / MAX_PARTS));
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'application/octet-stream' }));
  if (!UploadId) throw new Error(`CreateMultipartUpload for ${key} returned no UploadId`);
  try {
    const hasher = createHash('sha256');
    const etags: string[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    for (let offset = 0, partNumber = 1; offset < size; offset += partSize, partNumber++) {
      const body = await readPart(offset, Math.min(partSize, size - offset));
      hasher.update(body);
      const n = partNumber;
      const upload = client
        .send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n, Body: body, ContentLength: body.byteLength }))
        .then((r) => {
          if (!r.ETag) throw new Error(`UploadPart ${n} of ${key} returned no ETag`);
          etags[n - 1] = r.ETag;
        })
        .catch((err: unknown) => {
          failure ??= err;
        });
      const tracked: Promise<void> = upload.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= tuning.concurrency) await Promise.race(inFlight);
      if (failure !== undefined) break;
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    checkHash(hasher.digest('hex'), hash, key);
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
  } catch (err) {
    // Parts of an unfinished upload are invisible to readers but cost storage; abort is best effort
    // (some S3-compatible servers lack it; a bucket lifecycle rule should expire incomplete uploads).
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
    throw err;
  }
}

function checkHash(actual: string, expected: string | null, key: string): void {
  if (expected !== null && actual !== expected) {
    throw new InputError(`the source changed while it was being stored (its bytes now hash to ${actual}, not ${expected}); nothing was stored under ${key}`, { field: 'source' }, 'do not modify a file while Kiln stores it');
  }
}
