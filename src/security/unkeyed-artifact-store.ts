/**
 * The artifact store when no master key is configured (the embedded default): every call goes to the
 * adapter unchanged, and only a failed read looks further. An encrypted blob read without a key would
 * otherwise be reported as "corrupted, restore it from a backup"; this says what is really wrong — the
 * blob is encrypted at rest and KILN_MASTER_KEY is not set.
 */
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import { InternalError } from '../core/errors.js';
import type { ArtifactRef, ArtifactStore, StoredArtifact } from '../store/artifact-store.js';
import type { RawArtifactStore } from '../store/raw-blob-access.js';
import { MasterKeyError } from './encryption-errors.js';
import { isEncrypted } from './envelope-encryption.js';

const MAGIC_BYTES = 8;

/** Plain reads and writes, with a clear MasterKeyError for blobs that turn out to be encrypted. */
export class UnkeyedArtifactStore implements ArtifactStore {
  readonly location: string;

  constructor(private readonly inner: RawArtifactStore) {
    this.location = inner.location;
  }

  put(bytes: Uint8Array): Promise<ArtifactRef> {
    return this.inner.put(bytes);
  }

  putStream(source: AsyncIterable<Uint8Array>): Promise<ArtifactRef> {
    return this.inner.putStream(source);
  }

  putFile(path: string): Promise<ArtifactRef> {
    return this.inner.putFile(path);
  }

  async get(hash: string): Promise<Uint8Array> {
    try {
      return await this.inner.get(hash);
    } catch (err) {
      throw await this.explain(hash, err);
    }
  }

  async openReadStream(hash: string): Promise<Readable> {
    const stream = await this.inner.openReadStream(hash);
    let head = Buffer.alloc(0);
    let checked = false;
    const check = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        if (!checked) {
          head = Buffer.concat([head, chunk]);
          if (head.length >= MAGIC_BYTES) {
            checked = true;
            if (isEncrypted(head)) return callback(encryptedError(hash));
          }
        }
        callback(null, chunk);
      },
    });
    return pipeline(stream, check, () => undefined);
  }

  async materialize(hash: string): Promise<string> {
    try {
      return await this.inner.materialize(hash);
    } catch (err) {
      throw await this.explain(hash, err);
    }
  }

  has(hash: string): Promise<boolean> {
    return this.inner.has(hash);
  }

  stat(hash: string): Promise<StoredArtifact | null> {
    return this.inner.stat(hash);
  }

  list(): AsyncIterable<StoredArtifact> {
    return this.inner.list();
  }

  delete(hash: string): Promise<boolean> {
    return this.inner.delete(hash);
  }

  /** A 'corrupted' error becomes a MasterKeyError when the blob starts with an envelope header. */
  private async explain(hash: string, err: unknown): Promise<unknown> {
    if (!(err instanceof InternalError)) return err;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of await this.inner.openRaw(hash, { start: 0, end: MAGIC_BYTES - 1 })) chunks.push(chunk as Buffer);
      return isEncrypted(Buffer.concat(chunks)) ? encryptedError(hash) : err;
    } catch {
      return err;
    }
  }
}

function encryptedError(hash: string): MasterKeyError {
  return new MasterKeyError(`artifact ${hash} is encrypted at rest, but no master key is configured: set KILN_MASTER_KEY (or KILN_MASTER_KEY_FILE)`, { hash });
}
