/**
 * Dataset versions: `register` stores an immutable Parquet copy of a source (source column types kept:
 * integers INT64, timestamps TIMESTAMP[TZ]) and its profile (and its schema, when wide) in the artifact
 * store, with a bounded summary and the content hash (`content-hash.ts`: schema + values, independent of
 * file bytes) in metadata; a registration that fails leaves no metadata row and deletes the artifacts it
 * wrote. Two resolvers turn a source into something the readers can open: `resolveReference` accepts
 * registered `NAME@VERSION` references only (for untrusted callers: the HTTP API), `resolveSource` also
 * local paths (for the CLI).
 * A new version is recorded in the audit log under the acting principal (the local OS user when none is
 * given), and a masking policy, when given, is applied to every chunk before anything is stored.
 * A service acts in one project (`default`; `inProject(p)` for another): names resolve only there.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, NotFoundError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import type { Principal } from '../../security/permissions.js';
import { maskFrame } from '../../security/pii/masking-policy.js';
import type { MaskingPolicy } from '../../security/pii/masking-policy.js';
import type { AuditContext, SecurityService } from '../../security/security-service.js';
import { localPrincipal } from '../../security/security-service.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { DatasetSummary, DatasetVersionSummary } from '../../store/dataset-repository.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { Page, PageRequest } from '../../store/page.js';
import type { StoredDocument } from '../../store/stored-document.js';
import { createFrameWriter } from '../io/write-frame.js';
import { readFrameChunks } from '../io/read-frame.js';
import { tempRoot } from '../io/temp-space.js';
import { makeTempDir, removeTempPath } from '../io/temp-space.js';
import type { ReadOptions } from '../io/read-options.js';
import { profileFrames } from '../profile/profile-frames.js';
import { ContentHasher } from './content-hash.js';
import { checkDatasetName, checkDatasetRef, isDatasetName } from './data-ref.js';
import type { Profile } from '../profile/profile-types.js';
import { PARTS_FORMAT, materializeParts } from './dataset-append.js';
import { ArtifactWrites, INLINE_SCHEMA_LIMIT, readDocument } from './dataset-documents.js';
import { summarizeProfile } from './profile-summary.js';

/**
 * Registration computes correlations only up to this many columns: the matrices grow with the square
 * of the width (6,000 columns would be 36M cells, hundreds of MB of JSON). `kiln data profile` and
 * `POST /v1/profile` are unaffected; a wider registration's profile has `correlations: null`.
 */
export const REGISTER_CORRELATION_COLUMN_LIMIT = 500;

/** A source resolved to a readable local path. */
export interface ResolvedSource {
  readonly path: string;
  readonly readOptions: ReadOptions;
  /** Set when the source was a registered dataset version. */
  readonly dataset?: { readonly name: string; readonly version: number; readonly hash: string };
}

/** A registered version resolved to a readable local path. */
export interface ResolvedReference extends ResolvedSource {
  readonly dataset: { readonly name: string; readonly version: number; readonly hash: string };
}

/** What `register` reports (the `kiln data register --json` document). */
export interface DatasetRegistration {
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  readonly rows: number;
  readonly columns: number;
  readonly bytes: number;
  readonly created: boolean;
  readonly source: string;
  readonly createdAt: string;
}

/** Options of the register calls. */
export interface RegisterOptions {
  readonly readOptions?: ReadOptions;
  readonly onProgress?: (rows: number) => void;
  /** Who registers (audit log); default: the local OS user. */
  readonly actor?: Principal;
  /** Request id and source address for the audit entry. */
  readonly auditContext?: AuditContext;
  /** Mask PII before storing: the policy and the salt for `hash` rules. */
  readonly mask?: { readonly policy: MaskingPolicy; readonly salt: string };
}

/** One dataset version with its schema and profile documents (what `kiln data show --json` prints). */
export interface DatasetVersionDetails extends DatasetVersionSummary {
  readonly schema: unknown;
  readonly profile: unknown;
}

/** Dataset versioning over the metadata and artifact ports. */
export class DatasetService {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly security: SecurityService,
    /** Where partitioned versions are concatenated for readers (`KILN_HOME/tmp/parts`). */
    private readonly cacheDir: string = join(tempRoot(), 'kiln-parts'),
  ) {}

  /** The project this service registers into and resolves names in. */
  get project(): string {
    return this.metadata.project;
  }

  /** ` in project P` for messages, empty in `default` (messages stay as they were before projects). */
  private where(): string {
    return this.project === 'default' ? '' : ` in project ${this.project}`;
  }

  /** The same service acting in `project` (whether it exists is the caller's check: `security.requireProject`). */
  inProject(project: string): DatasetService {
    return project === this.project ? this : new DatasetService(this.metadata.inProject(project), this.artifacts, this.security, this.cacheDir);
  }

  /**
   * Turn a registered `NAME@VERSION` into a readable path (registered versions are Parquet artifacts).
   * References only, never a path: this is the resolver for requests from untrusted clients (HTTP).
   * `field` names where the reference came from, for the error.
   */
  async resolveReference(reference: unknown, field = 'dataset'): Promise<ResolvedReference> {
    const ref = checkDatasetRef(reference, field);
    const record = await this.metadata.datasets.getVersion(ref.name, ref.version);
    if (!record) {
      throw new NotFoundError(`dataset ${ref.name}@${ref.version} not found${this.where()}`, { field, dataset: ref.name, version: ref.version, project: this.project }, 'See `kiln data list` for registered datasets.');
    }
    if (record.format === PARTS_FORMAT) {
      const path = await materializeParts(this.artifacts, record, this.cacheDir);
      return { path, readOptions: { format: 'parquet' }, dataset: { name: record.name, version: record.version, hash: record.hash } };
    }
    const path = await this.artifacts.materialize(record.artifactHash).catch((err: unknown) => {
      if (err instanceof NotFoundError) throw new NotFoundError(`the data of ${ref.name}@${record.version} is missing from the artifact store (${this.artifacts.location})`, { dataset: ref.name });
      throw err;
    });
    return { path, readOptions: { format: 'parquet' }, dataset: { name: record.name, version: record.version, hash: record.hash } };
  }

  /** Turn a local file path or `NAME@VERSION` into a readable path: the CLI's resolver (trusted caller). */
  async resolveSource(source: string, readOptions: ReadOptions = {}): Promise<ResolvedSource> {
    if (await isFile(source)) return { path: source, readOptions };
    const at = source.indexOf('@');
    // Only something shaped like NAME@... is treated as a reference, so a mistyped path is "no such file".
    if (at < 0 || !isDatasetName(source.slice(0, at))) {
      throw new NotFoundError(`no such file: ${source}`, { file: source }, 'Pass an existing CSV/Parquet/JSON file or a registered dataset as NAME@VERSION (see `kiln data list`).');
    }
    return this.resolveReference(source, 'source');
  }

  /** Register a local path or `NAME@VERSION` as the next version of `name` (CLI; idempotent for identical content). */
  async register(source: string, name: string, opts: RegisterOptions = {}): Promise<DatasetRegistration> {
    checkDatasetName(name);
    const resolved = await this.resolveSource(source, opts.readOptions);
    return this.registerResolved(resolved, name, resolved.dataset ? `${resolved.dataset.name}@${resolved.dataset.version}` : source, opts);
  }

  /** Register a copy of a registered version as the next version of `name` (references only: HTTP). */
  async registerReference(reference: unknown, name: string, field = 'source', opts: RegisterOptions = {}): Promise<DatasetRegistration> {
    checkDatasetName(name);
    const resolved = await this.resolveReference(reference, field);
    return this.registerResolved(resolved, name, `${resolved.dataset.name}@${resolved.dataset.version}`, opts);
  }

  /**
   * Register the file at `path`, recording `source` as its origin instead of the path (an upload's temp
   * file is no origin worth recording: `upload:sales.csv`, `import:sales/2024.csv`).
   */
  async registerFile(path: string, name: string, source: string, opts: RegisterOptions = {}): Promise<DatasetRegistration> {
    checkDatasetName(name);
    return this.registerResolved({ path, readOptions: opts.readOptions ?? {} }, name, source, opts);
  }

  private async registerResolved(resolved: ResolvedSource, name: string, source: string, opts: RegisterOptions): Promise<DatasetRegistration> {
    const dir = await makeTempDir('register');
    try {
      const parquetPath = join(dir, 'data.parquet');
      const writer = await createFrameWriter(parquetPath, { format: 'parquet' });
      const hasher = new ContentHasher();
      let rows = 0;
      let columns = 0;
      let zones = new Map<string, string>();
      // Integer columns read as exact int64, so the stored Parquet keeps them INT64 (not DOUBLE);
      // timestamps keep their microseconds and zone. The hash is of the logical content, streamed.
      const readOptions: ReadOptions = { ...resolved.readOptions, integers: resolved.readOptions.integers ?? 'int64' };
      async function* teeToParquet(): AsyncGenerator<Frame> {
        for await (const raw of readFrameChunks(resolved.path, readOptions)) {
          const chunk = opts.mask ? maskFrame(raw, opts.mask.policy, opts.mask.salt) : raw;
          await writer.write(chunk);
          hasher.add(chunk);
          if (rows === 0) zones = new Map(chunk.columns.flatMap((c) => (c.type === 'timestamp' && c.timezone ? [[c.name, c.timezone] as const] : [])));
          rows += chunk.rowCount;
          columns = chunk.columns.length;
          opts.onProgress?.(rows);
          yield chunk;
        }
      }
      let profile: Profile;
      try {
        // Peek at the first chunk to learn the width before choosing whether to correlate.
        const chunks = teeToParquet();
        const first = await chunks.next();
        const correlation = first.done === true || first.value.columns.length <= REGISTER_CORRELATION_COLUMN_LIMIT;
        async function* all(): AsyncGenerator<Frame> {
          if (first.done !== true) yield first.value;
          yield* chunks;
        }
        profile = await profileFrames(all(), { correlation });
      } catch (err) {
        await writer.abort();
        throw err;
      }
      if (rows === 0) {
        await writer.abort();
        throw new InputError(`${source} has no data rows (only a header, or nothing)`, { file: source }, 'Register a file with at least one data row.');
      }
      await writer.close();
      const out = await this.store(name, source, parquetPath, rows, columns, profile, hasher.digest(), zones);
      // Recorded after the version is committed: a failure here must not roll back stored data.
      if (out.created) {
        const after = { ...out, masked: opts.mask ? opts.mask.policy.rules.map((r) => `${r.column}:${r.action}`) : [] };
        await this.security.audit({ actor: (opts.actor ?? localPrincipal()).actor, action: 'dataset.register', resourceType: 'datasets', resourceId: `${out.name}@${out.version}`, project: this.project, before: null, after }, opts.auditContext);
      }
      return out;
    } finally {
      await removeTempPath(dir);
    }
  }

  /**
   * Writes the data, profile (and wide schema) artifacts, then the metadata row; if anything fails, the
   * artifacts this call wrote and no version references are deleted again. `hash` is the content hash.
   */
  private async store(
    name: string,
    source: string,
    parquetPath: string,
    rows: number,
    columns: number,
    profile: Profile,
    hash: string,
    zones: ReadonlyMap<string, string>,
  ): Promise<DatasetRegistration> {
    const writes = new ArtifactWrites(this.artifacts);
    try {
      const artifact = await writes.putFile(parquetPath);
      const profileRef = await writes.putJson(profile);
      const schemaValue = { fields: profile.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.missing > 0, ...(zones.has(c.name) ? { timezone: zones.get(c.name) } : {}) })) };
      const schemaJson = JSON.stringify(schemaValue);
      const schema: StoredDocument = schemaJson.length <= INLINE_SCHEMA_LIMIT ? { kind: 'inline', value: schemaValue } : { kind: 'artifact', hash: (await writes.putJson(schemaValue)).hash };
      const createdAt = new Date().toISOString();
      const reg = await this.metadata.datasets.createVersion({
        name,
        hash,
        rows,
        columns,
        bytes: artifact.size,
        schema,
        profile: { kind: 'artifact', hash: profileRef.hash },
        summary: summarizeProfile(profile),
        artifactHash: artifact.hash,
        format: 'parquet',
        source,
        createdAt,
      });
      // Same content as an existing version: that version's artifacts stand; drop any this call added (e.g. a profile that differs).
      if (!reg.created) await writes.rollback(this.metadata.datasets);
      const record = reg.created ? null : await this.metadata.datasets.getVersion(name, reg.version);
      return { name, version: reg.version, hash, rows, columns, bytes: artifact.size, created: reg.created, source: record?.source ?? source, createdAt: record?.createdAt ?? createdAt };
    } catch (err) {
      await writes.rollback(this.metadata.datasets);
      throw err;
    }
  }

  /** Registered datasets by name, one page at a time (`next` pages on). */
  list(page: PageRequest = {}): Promise<Page<DatasetSummary>> {
    return this.metadata.datasets.list(page);
  }

  /** Versions of one dataset, oldest first, one page at a time (NotFoundError when the name is unknown). */
  async versions(name: string, page: PageRequest = {}): Promise<Page<DatasetVersionSummary>> {
    checkDatasetName(name);
    const versions = await this.metadata.datasets.listVersions(name, page);
    if (versions.items.length === 0 && page.cursor == null) throw new NotFoundError(`dataset "${name}" not found${this.where()}`, { dataset: name, project: this.project }, 'See `kiln data list`.');
    return versions;
  }

  /** One version with its full schema and profile (read from the artifact store); `NAME` alone means latest. */
  async show(ref: string): Promise<DatasetVersionDetails> {
    const parsed = ref.includes('@') ? checkDatasetRef(ref, 'dataset') : { name: checkDatasetName(ref), version: 'latest' as const };
    const record = await this.metadata.datasets.getVersion(parsed.name, parsed.version);
    if (!record) throw new NotFoundError(`dataset ${parsed.name}@${parsed.version} not found${this.where()}`, { dataset: parsed.name, project: this.project }, 'See `kiln data list`.');
    const { schema, profile, summary: _summary, ...fields } = record;
    const what = `${record.name}@${record.version}`;
    return { ...fields, schema: await readDocument(this.artifacts, schema, `schema of ${what}`), profile: await readDocument(this.artifacts, profile, `profile of ${what}`) };
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
