/**
 * Filesystem adapter of the `ArtifactStore` port. Layout: `<root>/ab/cdef...` (first two hex digits of
 * the sha256 as a folder, so no folder grows past 256 entries per level of the first byte; the S3
 * adapter uses the same key layout, so a folder can be copied to a bucket as is). Writes go to
 * `<root>/.tmp/`, are fsynced, then renamed into place, so a blob path only ever holds complete bytes;
 * the folder is fsynced too so the rename survives a crash. Hashes are validated as 64 lowercase hex
 * characters before any path is built, which rules out path traversal. `materialize` returns the blob
 * itself after hashing it once per process and file identity (inode, size, mtime, ctime).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import type { InternalError } from '../../core/errors.js';
import { InputError, NotFoundError, UsageError } from '../../core/errors.js';
import type { ArtifactRef, ArtifactStore, StoredArtifact } from '../artifact-store.js';
import { checkArtifactHash, corruptedArtifactError, isArtifactHash, verifyingTransform } from '../artifact-store-integrity.js';
import type { BlobRange, RawBlobAccess } from '../raw-blob-access.js';

const TEMP_FOLDER = '.tmp';
// Temp files older than this are leftovers of a crashed write and are removed on open.
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;
const READ_CHUNK = 1 << 20;

/** Content-addressed blobs in a local folder. */
export class FsArtifactStore implements ArtifactStore, RawBlobAccess {
  // Blobs this process has hashed, by file identity, so repeated `materialize` calls do not re-read them.
  private readonly verified = new Map<string, string>();

  private constructor(readonly location: string) {}

  /** Opens (creating if needed) the store rooted at `root`. */
  static async open(root: string): Promise<FsArtifactStore> {
    const location = resolve(root);
    try {
      await mkdir(join(location, TEMP_FOLDER), { recursive: true });
    } catch (err) {
      throw new UsageError(`cannot create artifact folder ${location}: ${(err as Error).message}`, { file: location }, 'set KILN_ARTIFACTS_URL to a writable folder');
    }
    const store = new FsArtifactStore(location);
    await store.removeStaleTemps();
    return store;
  }

  async put(bytes: Uint8Array): Promise<ArtifactRef> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const ref = { hash, size: bytes.byteLength };
    const target = this.pathOf(hash);
    // Always rewrite (no "already there" shortcut): storing good bytes again repairs a corrupted blob.
    const temp = this.newTempPath();
    try {
      const handle = await open(temp, 'wx');
      try {
        await writeAll(handle, bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await publish(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return ref;
  }

  async putStream(source: AsyncIterable<Uint8Array>): Promise<ArtifactRef> {
    const temp = this.newTempPath();
    const hasher = createHash('sha256');
    let size = 0;
    try {
      const handle = await open(temp, 'wx');
      try {
        for await (const chunk of source) {
          hasher.update(chunk);
          size += chunk.byteLength;
          await writeAll(handle, chunk);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const hash = hasher.digest('hex');
      await publish(temp, this.pathOf(hash));
      return { hash, size };
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async putFile(path: string): Promise<ArtifactRef> {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') throw new NotFoundError(`file not found: ${path}`, { file: path }, 'check the path');
      throw err;
    }
    if (!info.isFile()) throw new InputError(`${path} is not a regular file`, { file: path }, 'pass a file, not a folder');
    return this.putStream(createReadStream(path, { highWaterMark: READ_CHUNK }));
  }

  async get(hash: string): Promise<Uint8Array> {
    const path = this.pathOf(hash);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') throw this.notFound(hash);
      throw err;
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== hash) throw this.corrupted(hash, actual);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async openReadStream(hash: string): Promise<Readable> {
    const path = this.pathOf(hash);
    if ((await sizeOf(path)) === null) throw this.notFound(hash);
    const verify = verifyingTransform(hash, (actual) => this.corrupted(hash, actual));
    // pipeline forwards source errors to `verify` and destroys both on failure.
    return pipeline(createReadStream(path, { highWaterMark: READ_CHUNK }), verify, () => undefined);
  }

  /** The blob's own file, hashed once per process and file identity (a rewrite gets a new inode). */
  async materialize(hash: string): Promise<string> {
    const path = this.pathOf(hash);
    const info = await statFile(path);
    if (!info) throw this.notFound(hash);
    const identity = `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    if (this.verified.get(hash) === identity) return path;
    const hasher = createHash('sha256');
    try {
      await pipelineAsync(createReadStream(path, { highWaterMark: READ_CHUNK }), async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) hasher.update(chunk);
      });
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') throw this.notFound(hash);
      throw err;
    }
    const actual = hasher.digest('hex');
    if (actual !== hash) throw this.corrupted(hash, actual);
    this.verified.set(hash, identity);
    return path;
  }

  async stat(hash: string): Promise<StoredArtifact | null> {
    const info = await statFile(this.pathOf(hash));
    return info ? { hash, size: info.size, modifiedAt: info.mtime } : null;
  }

  async *list(): AsyncIterable<StoredArtifact> {
    for (const folder of (await readdir(this.location)).sort()) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      const names = await readdir(join(this.location, folder)).catch((err: unknown) => {
        if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return [];
        throw err;
      });
      for (const name of names.sort()) {
        const hash = folder + name;
        if (!isArtifactHash(hash)) continue;
        const info = await statFile(join(this.location, folder, name));
        if (info) yield { hash, size: info.size, modifiedAt: info.mtime };
      }
    }
  }

  async has(hash: string): Promise<boolean> {
    return (await sizeOf(this.pathOf(hash))) !== null;
  }

  async delete(hash: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(hash));
      this.verified.delete(hash);
      return true;
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return false;
      throw err;
    }
  }

  /** A temp path in `<root>/.tmp/`, so publishing it is a rename on the same disk. */
  stagingPath(): string {
    return this.newTempPath();
  }

  async publishStaged(hash: string, staged: string): Promise<void> {
    const target = this.pathOf(hash);
    try {
      await publish(staged, target);
    } catch (err) {
      await rm(staged, { force: true });
      throw err;
    }
    this.verified.delete(hash);
  }

  async openRaw(hash: string, range?: BlobRange): Promise<Readable> {
    const path = this.pathOf(hash);
    // Opened before returning, so a missing blob is a NotFoundError here and a later rename over it does
    // not change what this stream reads (it holds the old file).
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'EISDIR') throw this.notFound(hash);
      throw err;
    }
    return handle.createReadStream({ highWaterMark: READ_CHUNK, ...(range ? { start: range.start, ...(range.end !== undefined ? { end: range.end } : {}) } : {}) });
  }

  private pathOf(hash: string): string {
    checkArtifactHash(hash);
    return join(this.location, hash.slice(0, 2), hash.slice(2));
  }

  private newTempPath(): string {
    return join(this.location, TEMP_FOLDER, `${randomUUID()}.part`);
  }

  private notFound(hash: string): NotFoundError {
    return new NotFoundError(`artifact ${hash} not found in ${this.location}`, { field: 'hash' }, 'the artifact was deleted or the metadata points at another artifact store');
  }

  private corrupted(hash: string, actual: string): InternalError {
    return corruptedArtifactError(hash, actual, this.location, join(this.location, hash.slice(0, 2), hash.slice(2)));
  }

  private async removeStaleTemps(): Promise<void> {
    const folder = join(this.location, TEMP_FOLDER);
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of await readdir(folder)) {
      const path = join(folder, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }
}

/** Moves a finished temp file into place and makes the rename durable. */
async function publish(temp: string, target: string): Promise<void> {
  const folder = dirname(target);
  await mkdir(folder, { recursive: true });
  await rename(temp, target);
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a folder; the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

async function statFile(path: string): Promise<Stats | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info : null;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw err;
  }
}

async function sizeOf(path: string): Promise<number | null> {
  return (await statFile(path))?.size ?? null;
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
