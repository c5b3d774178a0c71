/**
 * Encryption at rest as a decorator of the `ArtifactStore` port, over either adapter (filesystem or S3)
 * through their raw blob access. Every blob is an envelope (`envelope-encryption.ts`: a random data key
 * per blob, wrapped by the master key) stored under the sha256 of its PLAIN bytes, so content addressing,
 * references and gc are unchanged. Reads authenticate the ciphertext (AES-GCM), then check the plain bytes
 * against the address: a tampered or swapped blob is an `ArtifactTamperedError`, a blob whose master key is
 * not configured a `MasterKeyError` naming KILN_MASTER_KEY. Blobs written before encryption was turned on
 * (no envelope header) still read, verified by their hash. `materialize` decrypts into a private (0700)
 * per-process folder, bounded like the S3 cache and removed by `close()`, because DuckDB needs a plain file.
 * Sizes (`put`, `stat`, `list`) are plain sizes: the envelope's overhead is read from each blob's header.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { InputError, KilnError, NotFoundError } from '../core/errors.js';
import type { ArtifactRef, ArtifactStore, StoredArtifact } from '../store/artifact-store.js';
import type { ArtifactStoreCache } from '../store/artifact-store-cache.js';
import { checkArtifactHash, corruptedArtifactError } from '../store/artifact-store-integrity.js';
import type { RawArtifactStore } from '../store/raw-blob-access.js';
import { ArtifactTamperedError, MasterKeyError } from './encryption-errors.js';
import type { MasterKey, ParsedHeader } from './envelope-encryption.js';
import { ENVELOPE_BODY_OVERHEAD, ENVELOPE_MAX_HEADER, bodyCipher, bodyDecipher, envelopeHeader, isEncrypted, newDataKey, parseEnvelopeHeader, unwrapDataKey } from './envelope-encryption.js';

const IV = 12;
const TAG = 16;
const READ_CHUNK = 1 << 20;

/** The master key new blobs are encrypted with, and older keys that still decrypt (during a rotation). */
export interface MasterKeyring {
  readonly active: MasterKey;
  readonly old: readonly MasterKey[];
}

/** What re-wrapping one blob did. */
export type RewrapOutcome = 'rewrapped' | 'current' | 'plain';

/** An `ArtifactStore` that encrypts every blob it writes and decrypts (and verifies) every blob it reads. */
export class EncryptedArtifactStore implements ArtifactStore {
  readonly location: string;
  private readonly keys: readonly MasterKey[];

  constructor(
    private readonly inner: RawArtifactStore,
    readonly keyring: MasterKeyring,
    private readonly plainCache: ArtifactStoreCache,
  ) {
    this.location = inner.location;
    this.keys = [keyring.active, ...keyring.old.filter((k) => k.id !== keyring.active.id)];
  }

  async put(bytes: Uint8Array): Promise<ArtifactRef> {
    return this.putStream([bytes]);
  }

  async putStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<ArtifactRef> {
    const staged = this.inner.stagingPath();
    const hasher = createHash('sha256');
    let size = 0;
    try {
      const handle = await open(staged, 'wx', 0o600);
      try {
        const dataKey = newDataKey();
        const { iv, cipher } = bodyCipher(dataKey);
        await writeAll(handle, Buffer.concat([envelopeHeader(this.keyring.active, dataKey), iv]));
        for await (const chunk of source) {
          hasher.update(chunk);
          size += chunk.byteLength;
          await writeAll(handle, cipher.update(chunk));
        }
        await writeAll(handle, Buffer.concat([cipher.final(), cipher.getAuthTag()]));
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (err) {
      await rm(staged, { force: true });
      throw err;
    }
    const hash = hasher.digest('hex');
    await this.inner.publishStaged(hash, staged);
    await this.plainCache.remove(hash);
    return { hash, size };
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
    return this.putStream(createReadStream(path, { highWaterMark: READ_CHUNK }));
  }

  async get(hash: string): Promise<Uint8Array> {
    checkArtifactHash(hash);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of await this.openPlain(hash)) chunks.push(chunk as Buffer);
    } catch (err) {
      // A blob stored plain before encryption was on whose bytes happen to start like an envelope.
      if ((err instanceof ArtifactTamperedError || err instanceof MasterKeyError) && (await this.rawHashIs(hash))) return this.inner.get(hash);
      throw err;
    }
    const bytes = Buffer.concat(chunks);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async openReadStream(hash: string): Promise<Readable> {
    checkArtifactHash(hash);
    return this.openPlain(hash);
  }

  /** A plain file for DuckDB: the blob itself when it is stored plain, else a decrypted copy in the private cache. */
  async materialize(hash: string): Promise<string> {
    checkArtifactHash(hash);
    const head = await this.readHead(hash, IV);
    if (!isEncrypted(head)) return this.inner.materialize(hash);
    return this.plainCache.materialize(hash, () => this.openPlain(hash), this.location);
  }

  has(hash: string): Promise<boolean> {
    return this.inner.has(hash);
  }

  async stat(hash: string): Promise<StoredArtifact | null> {
    const raw = await this.inner.stat(hash);
    return raw ? { ...raw, size: await this.plainSize(raw) } : null;
  }

  async *list(): AsyncIterable<StoredArtifact> {
    for await (const raw of this.inner.list()) {
      const size = await this.plainSize(raw).catch((err: unknown) => {
        // Deleted between the listing and the header read: skip it, as a later listing would.
        if (err instanceof NotFoundError) return null;
        throw err;
      });
      if (size !== null) yield { ...raw, size };
    }
  }

  async delete(hash: string): Promise<boolean> {
    const existed = await this.inner.delete(hash);
    await this.plainCache.remove(hash);
    return existed;
  }

  /**
   * Re-wraps the data key of one blob under the active master key: the new header replaces the old one and
   * the body's ciphertext is copied byte for byte (never decrypted or re-encrypted), published atomically.
   */
  async rewrap(hash: string): Promise<RewrapOutcome> {
    checkArtifactHash(hash);
    const raw = await this.inner.openRaw(hash);
    const staged = this.inner.stagingPath();
    try {
      const { header, rest, head } = await readHeader(raw, hash, this.location);
      if (!header) return 'plain';
      if (header.keyId === this.keyring.active.id) return 'current';
      const dataKey = this.unwrap(hash, header);
      const handle = await open(staged, 'wx', 0o600);
      try {
        await writeAll(handle, envelopeHeader(this.keyring.active, dataKey));
        await writeAll(handle, head.subarray(header.headerEnd));
        for (let r = await rest.next(); !r.done; r = await rest.next()) await writeAll(handle, r.value);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (err) {
      await rm(staged, { force: true });
      throw err;
    } finally {
      raw.destroy();
    }
    await this.inner.publishStaged(hash, staged);
    return 'rewrapped';
  }

  /** Encrypts a blob stored plain (written before encryption was on), verifying it on the way. */
  async encryptPlain(hash: string): Promise<void> {
    const ref = await this.putStream(await this.openPlain(hash));
    if (ref.hash !== hash) throw corruptedArtifactError(hash, ref.hash, this.location);
  }

  /** Streams the verified plain bytes of a blob; key errors are thrown here, tampering fails the stream. */
  private async openPlain(hash: string): Promise<Readable> {
    const raw = await this.inner.openRaw(hash);
    try {
      const { header, rest, head } = await readHeader(raw, hash, this.location);
      if (!header) return Readable.from(this.verifyPlain(hash, head, rest, raw), { objectMode: false });
      const dataKey = this.unwrap(hash, header);
      return Readable.from(this.decryptBody(hash, dataKey, head.subarray(header.headerEnd), rest, raw), { objectMode: false });
    } catch (err) {
      raw.destroy();
      throw err;
    }
  }

  private async *verifyPlain(hash: string, head: Buffer, rest: AsyncIterator<Buffer>, raw: Readable): AsyncGenerator<Buffer> {
    try {
      const hasher = createHash('sha256').update(head);
      if (head.length > 0) yield head;
      for (let r = await rest.next(); !r.done; r = await rest.next()) {
        hasher.update(r.value);
        yield r.value;
      }
      const actual = hasher.digest('hex');
      if (actual !== hash) throw corruptedArtifactError(hash, actual, this.location);
    } finally {
      raw.destroy();
    }
  }

  private async *decryptBody(hash: string, dataKey: Buffer, first: Buffer, rest: AsyncIterator<Buffer>, raw: Readable): AsyncGenerator<Buffer> {
    try {
      let pending = first;
      // The body is IV | ciphertext | tag: the IV comes first, and the last TAG bytes are held back until the end.
      while (pending.length < IV) {
        const r = await rest.next();
        if (r.done) throw new ArtifactTamperedError(hash, this.location, 'the encrypted blob is truncated');
        pending = Buffer.concat([pending, r.value]);
      }
      const decipher = bodyDecipher(dataKey, pending.subarray(0, IV));
      const hasher = createHash('sha256');
      pending = pending.subarray(IV);
      const emit = (bytes: Buffer): Buffer => {
        const out = decipher.update(bytes);
        hasher.update(out);
        return out;
      };
      for (let r = await rest.next(); !r.done; r = await rest.next()) {
        const chunk = r.value;
        if (chunk.length >= TAG) {
          const out = Buffer.concat([emit(pending), emit(chunk.subarray(0, chunk.length - TAG))]);
          pending = Buffer.from(chunk.subarray(chunk.length - TAG));
          if (out.length > 0) yield out;
        } else {
          pending = Buffer.concat([pending, chunk]);
        }
      }
      if (pending.length < TAG) throw new ArtifactTamperedError(hash, this.location, 'the encrypted blob is truncated');
      const last = emit(pending.subarray(0, pending.length - TAG));
      decipher.setAuthTag(pending.subarray(pending.length - TAG));
      try {
        decipher.final();
      } catch {
        throw new ArtifactTamperedError(hash, this.location, 'its encrypted bytes fail AES-GCM authentication');
      }
      const actual = hasher.digest('hex');
      if (actual !== hash) throw new ArtifactTamperedError(hash, this.location, `it decrypts to bytes that hash to ${actual} (a blob moved from another address)`);
      if (last.length > 0) yield last;
    } finally {
      raw.destroy();
    }
  }

  private unwrap(hash: string, header: ParsedHeader): Buffer {
    if (!this.keys.some((k) => k.id === header.keyId)) {
      if (!/^[0-9a-f]{16}$/.test(header.keyId)) throw new ArtifactTamperedError(hash, this.location, 'its envelope header is malformed');
      throw new MasterKeyError(`artifact ${hash} was encrypted with master key ${header.keyId}, which is not configured (KILN_MASTER_KEY is ${this.keyring.active.id}${this.keyring.old.length ? `, KILN_MASTER_KEYS_OLD has ${this.keyring.old.map((k) => k.id).join(', ')}` : ''})`, { hash, keyId: header.keyId });
    }
    try {
      return unwrapDataKey(header, this.keys);
    } catch (err) {
      // The key id matched, so the key is right: a wrapped key that does not authenticate was modified.
      if (err instanceof KilnError) throw new ArtifactTamperedError(hash, this.location, 'its wrapped data key fails AES-GCM authentication');
      throw err;
    }
  }

  private async rawHashIs(hash: string): Promise<boolean> {
    const hasher = createHash('sha256');
    for await (const chunk of await this.inner.openRaw(hash)) hasher.update(chunk as Buffer);
    return hasher.digest('hex') === hash;
  }

  private async plainSize(raw: StoredArtifact): Promise<number> {
    if (raw.size === 0) return 0;
    const head = await this.readRange(raw.hash, Math.min(ENVELOPE_MAX_HEADER, raw.size));
    const header = isEncrypted(head) ? parseEnvelopeHeader(head) : null;
    const size = header ? raw.size - header.headerEnd - ENVELOPE_BODY_OVERHEAD : raw.size;
    return size >= 0 ? size : raw.size;
  }

  /** The first bytes of a stored blob (fewer when it is shorter). */
  private async readHead(hash: string, bytes: number): Promise<Buffer> {
    const raw = await this.inner.stat(hash);
    if (!raw) throw new NotFoundError(`artifact ${hash} not found in ${this.location}`, { field: 'hash' }, 'the artifact was deleted or the metadata points at another artifact store');
    if (raw.size === 0) return Buffer.alloc(0);
    return this.readRange(hash, Math.min(bytes, raw.size));
  }

  /** The first `bytes` bytes of a blob known to hold at least that many. */
  private async readRange(hash: string, bytes: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.inner.openRaw(hash, { start: 0, end: bytes - 1 })) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}

/**
 * Reads a raw stream until its envelope header is complete (or it is clearly not an envelope); returns the
 * header (null: a plain blob), the bytes read so far and the iterator over the rest. A blob that starts like
 * an envelope but ends inside its header is an `ArtifactTamperedError`.
 */
async function readHeader(raw: Readable, hash: string, location: string): Promise<{ header: ParsedHeader | null; head: Buffer; rest: AsyncIterator<Buffer> }> {
  const rest = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head: Buffer = Buffer.alloc(0);
  for (;;) {
    if (head.length >= 9 && !isEncrypted(head)) return { header: null, head, rest };
    if (head.length >= 9) {
      const header = parseEnvelopeHeader(head);
      if (header) return { header, head, rest };
    }
    const r = await rest.next();
    if (r.done) {
      // A short blob: plain unless it starts like an envelope whose header is cut off.
      if (head.length >= 8 && isEncrypted(head)) throw new ArtifactTamperedError(hash, location, 'the encrypted blob is truncated inside its header');
      return { header: null, head, rest };
    }
    head = head.length === 0 ? r.value : Buffer.concat([head, r.value]);
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) offset += (await handle.write(bytes, offset, bytes.byteLength - offset)).bytesWritten;
}
