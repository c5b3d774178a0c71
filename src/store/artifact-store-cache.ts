/**
 * A bounded local cache of artifact blobs, for remote adapters' `materialize` (DuckDB wants a file path).
 * Layout `<dir>/ab/cdef...` like the filesystem store; fills stream into `<dir>/.tmp/`, are hashed on the
 * way, fsynced and renamed into place only when the hash matches, so a cached file is always complete
 * and verified. Least recently used entries are evicted once the cache grows past `maxBytes`; "use" is
 * the file's mtime, touched on every hit, so processes sharing the folder share one LRU order. Entries
 * used in the last `protectMs` are never evicted (a reader may be about to open them), and the entry
 * just filled always stays, so the cache can exceed its limit by what is in use right now.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { checkArtifactHash, corruptedArtifactError, isArtifactHash } from './artifact-store-integrity.js';

const TEMP_FOLDER = '.tmp';
// Temp files older than this are leftovers of a crashed fill and are removed on open.
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

/** Cache sizing. */
export interface ArtifactStoreCacheOptions {
  /** Evict least recently used entries beyond this many bytes. */
  maxBytes: number;
  /** Entries used this recently are never evicted (default 10 minutes). */
  protectMs?: number;
}

/** What the cache holds right now. */
export interface ArtifactCacheUsage {
  files: number;
  bytes: number;
}

/** A verified, size-bounded, LRU local copy of remote blobs. */
export class ArtifactStoreCache {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly protectMs: number;

  private constructor(
    readonly dir: string,
    readonly maxBytes: number,
    protectMs: number,
  ) {
    this.protectMs = protectMs;
  }

  /** Opens (creating) the cache folder and removes temp files of crashed fills. */
  static async open(dir: string, options: ArtifactStoreCacheOptions): Promise<ArtifactStoreCache> {
    const location = resolve(dir);
    try {
      await mkdir(join(location, TEMP_FOLDER), { recursive: true });
    } catch (err) {
      throw new UsageError(`cannot create artifact cache folder ${location}: ${(err as Error).message}`, { file: location }, 'set KILN_HOME (the cache lives in KILN_HOME/cache/artifacts) to a writable folder');
    }
    const cache = new ArtifactStoreCache(location, options.maxBytes, options.protectMs ?? 10 * 60 * 1000);
    await cache.removeStaleTemps();
    return cache;
  }

  /** A fresh temp path inside the cache folder (same filesystem, so `adopt` can rename it in). */
  tempPath(): string {
    return join(this.dir, TEMP_FOLDER, `${randomUUID()}.part`);
  }

  /**
   * The cached file for `hash`, filled from `open()` when absent. `location` names the remote store in
   * the 'corrupted' error raised when the fetched bytes do not hash to `hash`.
   */
  async materialize(hash: string, open: () => Promise<AsyncIterable<Uint8Array>>, location: string): Promise<string> {
    const path = this.pathOf(hash);
    if (await touch(path)) return path;
    const running = this.inFlight.get(hash);
    if (running) return running;
    const fill = this.fill(hash, path, open, location).finally(() => this.inFlight.delete(hash));
    this.inFlight.set(hash, fill);
    return fill;
  }

  /** Moves an already-verified local file (an upload's spool) into the cache as `hash`. */
  async adopt(hash: string, file: string): Promise<void> {
    const path = this.pathOf(hash);
    await mkdir(dirname(path), { recursive: true });
    await rename(file, path);
    await this.evict(path);
  }

  /** Drops the cached copy of `hash`, if any. */
  async remove(hash: string): Promise<void> {
    await rm(this.pathOf(hash), { force: true });
  }

  /** Files and bytes held now (temp files excluded). */
  async usage(): Promise<ArtifactCacheUsage> {
    const entries = await this.entries();
    return { files: entries.length, bytes: entries.reduce((sum, e) => sum + e.size, 0) };
  }

  private async fill(hash: string, path: string, openSource: () => Promise<AsyncIterable<Uint8Array>>, location: string): Promise<string> {
    const source = await openSource();
    const temp = this.tempPath();
    try {
      const hasher = createHash('sha256');
      const handle = await open(temp, 'wx');
      try {
        for await (const chunk of source) {
          hasher.update(chunk);
          let offset = 0;
          while (offset < chunk.byteLength) offset += (await handle.write(chunk, offset, chunk.byteLength - offset)).bytesWritten;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const actual = hasher.digest('hex');
      if (actual !== hash) throw corruptedArtifactError(hash, actual, location);
      await mkdir(dirname(path), { recursive: true });
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await this.evict(path);
    return path;
  }

  /** Deletes least recently used entries until the cache fits, sparing `keep` and entries in use. */
  private async evict(keep: string): Promise<void> {
    const entries = await this.entries();
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    if (total <= this.maxBytes) return;
    const protectedSince = Date.now() - this.protectMs;
    entries.sort((a, b) => a.usedMs - b.usedMs);
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      if (entry.path === keep || entry.usedMs >= protectedSince) continue;
      await rm(entry.path, { force: true });
      total -= entry.size;
    }
  }

  private async entries(): Promise<{ path: string; size: number; usedMs: number }[]> {
    const out: { path: string; size: number; usedMs: number }[] = [];
    for (const folder of await readdir(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      const names = await readdir(join(this.dir, folder)).catch(() => [] as string[]);
      for (const name of names) {
        if (!isArtifactHash(folder + name)) continue;
        const path = join(this.dir, folder, name);
        const info = await stat(path).catch(() => null);
        if (info?.isFile()) out.push({ path, size: info.size, usedMs: info.mtimeMs });
      }
    }
    return out;
  }

  private pathOf(hash: string): string {
    checkArtifactHash(hash);
    return join(this.dir, hash.slice(0, 2), hash.slice(2));
  }

  private async removeStaleTemps(): Promise<void> {
    const folder = join(this.dir, TEMP_FOLDER);
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of await readdir(folder)) {
      const path = join(folder, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }
}

/** Marks a cached file as just used; false when it is not cached. */
async function touch(path: string): Promise<boolean> {
  const now = new Date();
  try {
    await utimes(path, now, now);
    return true;
  } catch (err) {
    if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT') return false;
    throw err;
  }
}
