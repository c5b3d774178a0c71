/**
 * Encryption at rest as `openKiln` composes it (`kiln.encryption`): wraps the artifact adapter in the
 * `EncryptedArtifactStore` when a master key is configured (else in `UnkeyedArtifactStore`, which only
 * explains encrypted blobs met without a key), and runs `kiln keys status` and `kiln keys rotate`.
 * Rotation re-wraps every data key under the active master key, blob by blob, each published atomically:
 * an interrupted rotation is resumed by running it again (blobs already under the active key are skipped),
 * and it is audited (`keys.rotate`). Decrypted copies for DuckDB live in a private per-process folder under
 * `<home>/cache/decrypted`, removed by `close()` (and, after a crash, by the next open on the same host).
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { KilnError, UsageError } from '../core/errors.js';
import type { ArtifactStore, StoredArtifact } from '../store/artifact-store.js';
import { ArtifactStoreCache } from '../store/artifact-store-cache.js';
import type { RawArtifactStore } from '../store/raw-blob-access.js';
import { EncryptedArtifactStore } from './encrypted-artifact-store.js';
import type { MasterKeyring } from './encrypted-artifact-store.js';
import { ENVELOPE_MAX_HEADER, isEncrypted, parseEnvelopeHeader } from './envelope-encryption.js';
import type { Principal } from './permissions.js';
import type { AuditContext, SecurityService } from './security-service.js';
import { UnkeyedArtifactStore } from './unkeyed-artifact-store.js';

/** Blobs per master key, as `kiln keys status` reports them. */
export interface KeyUsage {
  readonly id: string;
  readonly blobs: number;
  /** Whether this key is configured (KILN_MASTER_KEY or KILN_MASTER_KEYS_OLD), so its blobs can be read. */
  readonly configured: boolean;
  readonly active: boolean;
}

/** `kiln keys status --json`. */
export interface EncryptionStatus {
  readonly location: string;
  readonly enabled: boolean;
  readonly activeKeyId: string | null;
  readonly oldKeyIds: string[];
  readonly blobs: number;
  readonly encrypted: number;
  readonly plain: number;
  readonly keys: KeyUsage[];
}

/** `kiln keys rotate --json`. */
export interface RotationReport {
  readonly location: string;
  readonly activeKeyId: string;
  readonly blobs: number;
  /** Data keys re-wrapped under the active key by this run. */
  readonly rewrapped: number;
  /** Blobs already under the active key (a resumed rotation skips them). */
  readonly current: number;
  /** Blobs stored plain (written before encryption was on); encrypted by this run only with `encryptPlain`. */
  readonly plain: number;
  readonly encryptedPlain: number;
  readonly failed: { hash: string; code: string; message: string }[];
}

/** Progress of a pass over every blob. */
export type BlobProgress = (done: number, total: number) => void;

/** Options of `ArtifactEncryption.open`. */
export interface ArtifactEncryptionOptions {
  /** Where per-process folders of decrypted copies live (`<home>/cache/decrypted`). */
  readonly cacheRoot: string;
  /** Bytes of decrypted copies each process keeps. */
  readonly cacheBytes: number;
}

/** The composed artifact store plus key status and rotation. */
export class ArtifactEncryption {
  private constructor(
    /** The store every service uses. */
    readonly store: ArtifactStore,
    private readonly raw: RawArtifactStore,
    private readonly encrypted: EncryptedArtifactStore | null,
    private readonly cacheDir: string | null,
  ) {}

  /** Wraps `raw` for `keyring` (null: encryption off). */
  static async open(raw: RawArtifactStore, keyring: MasterKeyring | null, options: ArtifactEncryptionOptions): Promise<ArtifactEncryption> {
    if (!keyring) return new ArtifactEncryption(new UnkeyedArtifactStore(raw), raw, null, null);
    await mkdir(options.cacheRoot, { recursive: true, mode: 0o700 });
    await chmod(options.cacheRoot, 0o700).catch(() => undefined);
    await removeDeadProcessFolders(options.cacheRoot);
    const dir = join(options.cacheRoot, `${hostTag()}-${process.pid}-${randomUUID().slice(0, 8)}`);
    const cache = await ArtifactStoreCache.open(dir, { maxBytes: options.cacheBytes });
    const encrypted = new EncryptedArtifactStore(raw, keyring, cache);
    return new ArtifactEncryption(encrypted, raw, encrypted, dir);
  }

  /** Whether new blobs are encrypted. */
  get enabled(): boolean {
    return this.encrypted !== null;
  }

  /** Counts blobs stored plain and encrypted, per master key (reads each blob's header only). */
  async status(onProgress?: BlobProgress): Promise<EncryptionStatus> {
    const blobs = await collect(this.raw);
    const perKey = new Map<string, number>();
    let plain = 0;
    for (let i = 0; i < blobs.length; i++) {
      const keyId = await keyIdOf(this.raw, blobs[i]).catch(skipDeleted);
      if (keyId === null) plain++;
      else if (keyId !== undefined) perKey.set(keyId, (perKey.get(keyId) ?? 0) + 1);
      onProgress?.(i + 1, blobs.length);
    }
    const ring = this.encrypted?.keyring ?? null;
    const configured = new Set(ring ? [ring.active.id, ...ring.old.map((k) => k.id)] : []);
    const keys = [...perKey.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id, n]) => ({ id, blobs: n, configured: configured.has(id), active: id === ring?.active.id }));
    const encrypted = keys.reduce((sum, k) => sum + k.blobs, 0);
    return { location: this.store.location, enabled: this.enabled, activeKeyId: ring?.active.id ?? null, oldKeyIds: ring ? ring.old.map((k) => k.id) : [], blobs: encrypted + plain, encrypted, plain, keys };
  }

  /**
   * Re-wraps every data key under the active master key (bodies are copied, never re-encrypted), and with
   * `encryptPlain` encrypts blobs stored plain. Failures are collected per blob, so one unreadable blob does
   * not stop the rest; running it again resumes. Audited as `keys.rotate`.
   */
  async rotate(actor: Principal, options: { encryptPlain?: boolean; onProgress?: BlobProgress; auditContext?: AuditContext }, security: SecurityService): Promise<RotationReport> {
    const store = this.encrypted;
    if (!store) throw new UsageError('encryption at rest is off: KILN_MASTER_KEY is not set', { field: 'KILN_MASTER_KEY' }, 'Set KILN_MASTER_KEY (or KILN_MASTER_KEY_FILE) to the new master key and KILN_MASTER_KEYS_OLD to the previous ones, then run `kiln keys rotate` again.');
    const blobs = await collect(this.raw);
    let rewrapped = 0;
    let current = 0;
    let plain = 0;
    let encryptedPlain = 0;
    const failed: RotationReport['failed'] = [];
    for (let i = 0; i < blobs.length; i++) {
      const { hash } = blobs[i];
      try {
        const outcome = await store.rewrap(hash);
        if (outcome === 'rewrapped') rewrapped++;
        else if (outcome === 'current') current++;
        else if (options.encryptPlain) {
          await store.encryptPlain(hash);
          encryptedPlain++;
        } else plain++;
      } catch (err) {
        if (err instanceof KilnError && err.code === 'not_found') continue;
        failed.push({ hash, code: err instanceof KilnError ? err.code : 'internal', message: err instanceof Error ? err.message : String(err) });
      }
      options.onProgress?.(i + 1, blobs.length);
    }
    const report: RotationReport = { location: store.location, activeKeyId: store.keyring.active.id, blobs: blobs.length, rewrapped, current, plain, encryptedPlain, failed };
    const { failed: failures, ...counts } = report;
    await security.audit({ actor: actor.actor, action: 'keys.rotate', resourceType: 'artifacts', resourceId: store.location, project: 'default', before: { keyIds: store.keyring.old.map((k) => k.id) }, after: { ...counts, failed: failures.length } }, options.auditContext);
    return report;
  }

  /** Removes this process's decrypted copies. */
  async close(): Promise<void> {
    if (this.cacheDir) await rm(this.cacheDir, { recursive: true, force: true });
  }
}

async function collect(raw: RawArtifactStore): Promise<StoredArtifact[]> {
  const out: StoredArtifact[] = [];
  for await (const blob of raw.list()) out.push(blob);
  return out;
}

/** The master key id in a blob's header, or null for a plain blob. */
async function keyIdOf(raw: RawArtifactStore, blob: StoredArtifact): Promise<string | null> {
  if (blob.size === 0) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of await raw.openRaw(blob.hash, { start: 0, end: Math.min(ENVELOPE_MAX_HEADER, blob.size) - 1 })) chunks.push(chunk as Buffer);
  const head = Buffer.concat(chunks);
  if (!isEncrypted(head)) return null;
  return parseEnvelopeHeader(head)?.keyId ?? null;
}

function skipDeleted(err: unknown): undefined {
  if (err instanceof KilnError && err.code === 'not_found') return undefined;
  throw err;
}

/** This host's name as a folder-name part (a KILN_HOME on a shared disk may serve several hosts). */
function hostTag(): string {
  return hostname().replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 64) || 'host';
}

/** Removes decrypted-copy folders of this host's processes that no longer run (crashed without `close`). */
async function removeDeadProcessFolders(root: string): Promise<void> {
  const prefix = `${hostTag()}-`;
  for (const name of await readdir(root).catch(() => [] as string[])) {
    // Another host's process cannot be checked from here: its folders are left alone.
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
