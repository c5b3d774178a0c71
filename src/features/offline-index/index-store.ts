/**
 * Where feature-view offline indexes live and when one may be used. Under the index root (Kiln's data dir,
 * `features/offline-index/`), each view of each project has a folder holding finished builds and a `current`
 * file naming the one in use. A build is written into a hidden temp folder, renamed into place whole, and only
 * then named by `current` (written atomically), so a reader sees a complete build or none; readers keep the
 * files they opened even when a newer build replaces the folder.
 *
 * An index is used only when fresh: same format version, same view definition hash and the same source
 * fingerprint (path, size, mtime, ctime, inode and, for dataset versions, NAME@VERSION) as now.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../data/io/temp-space.js';
import type { FeatureViewDefinition } from '../definitions.js';
import { canonicalJson } from '../plan.js';
import type { IndexManifest, SourceFingerprint } from './index-layout.js';
import { INDEX_FILES, INDEX_FORMAT_VERSION } from './index-layout.js';

/** A temp build folder older than this is a crashed build and is removed by the next build of that view. */
const STALE_BUILD_MS = 6 * 3600 * 1000;

const BUILD_NAME = /^b-[0-9]+-[0-9a-f]+$/;

/** A publish lock older than this was left by a crashed publisher (publishing takes milliseconds). */
const STALE_LOCK_MS = 30_000;

/** The time a build was published, from its folder name `b-<ms>-<random>`. */
function buildTime(name: string): number {
  return Number(name.split('-')[1]);
}

/** Why a view's index was not used (or `fresh`). */
export type IndexState = 'fresh' | 'missing' | 'stale-source' | 'stale-definition' | 'unreadable';

/** Hash of what a view's definition contributes to its index (TTL is applied at read time, so not part of it). */
export function viewDefinitionHash(view: FeatureViewDefinition, keys: readonly string[]): string {
  const s = view.source;
  const where = s.kind === 'file' ? { path: s.path } : s.kind === 'dataset' ? { dataset: s.dataset } : { postgres: true };
  const doc = { format: INDEX_FORMAT_VERSION, source: { kind: s.kind, ...where, timestampField: s.timestampField, createdTimestampField: s.createdTimestampField ?? null }, keys, features: view.features.map((f) => ({ name: f.name, type: f.type })) };
  return createHash('sha256').update(canonicalJson(doc)).digest('hex');
}

/** The fingerprint of the file at `path` now (`dataset`: the resolved NAME@VERSION it came from). */
export async function sourceFingerprint(path: string, dataset?: string): Promise<SourceFingerprint> {
  const s = await stat(path);
  return { path, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino, ...(dataset !== undefined ? { dataset } : {}) };
}

/** Whether two fingerprints describe the same bytes (as far as the file system tells). */
export function sameFingerprint(a: SourceFingerprint, b: SourceFingerprint): boolean {
  return a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino && (a.dataset ?? null) === (b.dataset ?? null);
}

/** The indexes of one project under `root`. */
export class OfflineIndexStore {
  /** Indexes of `project` under `root` (Kiln's `<home>/features/offline-index`). */
  constructor(
    private readonly root: string,
    private readonly project: string,
  ) {}

  /** The folder of one view (its builds and `current`). */
  viewDir(view: string): string {
    return join(this.root, encodeURIComponent(this.project), encodeURIComponent(view));
  }

  /** A fresh, empty temp folder for a build of `view` (inside the view folder: the final rename stays on one disk). */
  async startBuild(view: string): Promise<string> {
    const dir = this.viewDir(view);
    await mkdir(dir, { recursive: true });
    await this.sweep(dir);
    const tmp = join(dir, `.tmp-${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp);
    return tmp;
  }

  /**
   * Make the finished build in `tmp` the current one (unless a newer build already is) and remove the builds older
   * than whichever `current` names afterwards. Publishers of one view (threads or processes) take turns through an
   * exclusive lock file: checking `current`, writing it and removing older builds as separate steps let a racing
   * publisher remove the build another had just named.
   */
  async publish(view: string, tmp: string): Promise<string> {
    const dir = this.viewDir(view);
    const name = `b-${Date.now()}-${randomBytes(4).toString('hex')}`;
    await rename(tmp, join(dir, name));
    await this.whileLocked(dir, async () => {
      const before = await this.currentName(view);
      if (before === null || buildTime(before) <= buildTime(name)) await writeFileAtomic(join(dir, 'current'), `${name}\n`);
      const now = (await this.currentName(view)) ?? name;
      for (const entry of await readdir(dir)) {
        if (BUILD_NAME.test(entry) && buildTime(entry) < buildTime(now)) await rm(join(dir, entry), { recursive: true, force: true });
      }
    });
    return join(dir, name);
  }

  /** Run `fn` holding the view folder's publish lock (a lock older than STALE_LOCK_MS is a crashed publisher's and is taken over). */
  private async whileLocked(dir: string, fn: () => Promise<void>): Promise<void> {
    const lock = join(dir, 'publish.lock');
    for (;;) {
      try {
        await (await open(lock, 'wx')).close();
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const held = await stat(lock).catch(() => null);
        if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) await rm(lock, { force: true });
        else await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 10)));
      }
    }
    try {
      await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }

  /** Remove a build that failed. */
  async abandon(tmp: string): Promise<void> {
    await rm(tmp, { recursive: true, force: true });
  }

  /** The current build of `view` with its manifest, or null when there is none (or it cannot be read). */
  async current(view: string): Promise<{ dir: string; manifest: IndexManifest } | null> {
    const dir = this.viewDir(view);
    const name = await this.currentName(view);
    if (name === null) return null;
    try {
      const manifest = JSON.parse(await readFile(join(dir, name, INDEX_FILES.manifest), 'utf8')) as IndexManifest;
      return { dir: join(dir, name), manifest };
    } catch {
      return null;
    }
  }

  /** Whether the current build of `view` may serve a training set for `definitionHash` and `fingerprint`. */
  async state(view: string, definitionHash: string, fingerprint: SourceFingerprint): Promise<{ state: IndexState; dir?: string; manifest?: IndexManifest }> {
    const cur = await this.current(view);
    if (!cur) return { state: (await this.hasCurrentFile(view)) ? 'unreadable' : 'missing' };
    const m = cur.manifest;
    if (m.formatVersion !== INDEX_FORMAT_VERSION || m.definitionHash !== definitionHash) return { state: 'stale-definition' };
    if (!m.source || !sameFingerprint(m.source, fingerprint)) return { state: 'stale-source' };
    return { state: 'fresh', dir: cur.dir, manifest: m };
  }

  /** The build `current` names, or null (none, or not a build name). */
  private async currentName(view: string): Promise<string | null> {
    try {
      const name = (await readFile(join(this.viewDir(view), 'current'), 'utf8')).trim();
      return BUILD_NAME.test(name) ? name : null;
    } catch {
      return null;
    }
  }

  private async hasCurrentFile(view: string): Promise<boolean> {
    return stat(join(this.viewDir(view), 'current')).then(
      () => true,
      () => false,
    );
  }

  /** Temp folders of builds that crashed long ago (a build running now is younger). */
  private async sweep(dir: string): Promise<void> {
    for (const entry of await readdir(dir)) {
      const m = /^\.tmp-([0-9]+)-/.exec(entry);
      if (m && Date.now() - Number(m[1]) > STALE_BUILD_MS) await rm(join(dir, entry), { recursive: true, force: true });
    }
  }
}
