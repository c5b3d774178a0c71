/**
 * Appending to a dataset without rewriting it. A partitioned version (format `parquet-parts`) is an
 * ordered list of Parquet part artifacts, recorded in a small JSON manifest artifact whose hash is the
 * version's content hash. An append stores only the new part; the manifest reuses the previous version's
 * parts (a plain `parquet` version counts as one part). Readers of NAME@VERSION see the union: DuckDB
 * reads the list of parts, materialized once per version into a local cache file.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, InputError, InternalError, NotFoundError } from '../../core/errors.js';
import type { ColumnType, FieldSchema, Schema } from '../../core/schema.js';
import { isColumnType } from '../../core/schema.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { DatasetVersionRecord, DatasetVersionSummary } from '../../store/dataset-repository.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { withDuckDb } from '../io/duckdb-session.js';
import { quoteLiteral, quoteLiteralList } from '../io/sql-quote.js';
import type { Profile } from '../profile/profile-types.js';
import { INLINE_SCHEMA_LIMIT, readDocument } from './dataset-documents.js';
import { summarizeProfile } from './profile-summary.js';

/** Format of a version made of several Parquet parts. */
export const PARTS_FORMAT = 'parquet-parts';

/** One Parquet part of a partitioned version. */
export interface DatasetPart {
  readonly hash: string;
  readonly rows: number;
  readonly bytes: number;
}

/** The manifest artifact of a partitioned version. */
export interface PartsManifest {
  readonly kind: 'kiln.dataset-parts';
  readonly parts: readonly DatasetPart[];
}

/** What an append adds: one Parquet file of rows already checked against the dataset's schema. */
export interface AppendPart {
  readonly name: string;
  readonly partPath: string;
  readonly rows: number;
  /** Schema of the part (must match the dataset's, if it has versions). */
  readonly schema: Schema;
  /** Profile of the appended rows (a partitioned version's profile describes its newest part). */
  readonly profile: Profile;
  readonly source: string;
  readonly createdAt: string;
}

/** The version an append created. */
export interface AppendResult {
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  /** Rows in the whole version (all parts). */
  readonly rows: number;
  /** Rows this append added. */
  readonly appendedRows: number;
  readonly parts: number;
  readonly bytes: number;
  readonly createdAt: string;
}

/** The schema stored with a dataset version (read from the artifact store when large), or null. */
export async function storedSchema(artifacts: ArtifactStore, record: DatasetVersionRecord | null): Promise<Schema | null> {
  if (!record) return null;
  return schemaFromDocument(await readDocument(artifacts, record.schema, `schema of ${record.name}@${record.version}`));
}

/** A `{fields: [...]}` schema document as a Schema, or null when it is not one. */
function schemaFromDocument(doc: unknown): Schema | null {
  const fields = (doc as { fields?: unknown } | null | undefined)?.fields;
  if (!Array.isArray(fields)) return null;
  const out: FieldSchema[] = [];
  for (const f of fields as unknown[]) {
    const { name, type, nullable } = (f ?? {}) as { name?: unknown; type?: unknown; nullable?: unknown };
    if (typeof name !== 'string' || !isColumnType(type)) return null;
    out.push({ name, type, nullable: nullable !== false });
  }
  return { fields: out };
}

/** Throws an InputError naming the first column where `incoming` does not match the dataset's schema. */
export function checkAppendSchema(dataset: string, existing: Schema, incoming: readonly { name: string; type: ColumnType }[]): void {
  const have = new Map(incoming.map((c) => [c.name, c.type]));
  const want = new Set(existing.fields.map((f) => f.name));
  for (const c of incoming) {
    if (!want.has(c.name)) {
      throw new InputError(`column "${c.name}" is not in dataset ${dataset} (its columns: ${existing.fields.map((f) => f.name).join(', ')})`, { column: c.name }, 'send only the dataset\'s columns');
    }
  }
  for (const f of existing.fields) {
    const t = have.get(f.name);
    if (t === undefined) throw new InputError(`column "${f.name}" of dataset ${dataset} is missing from the appended rows`, { column: f.name }, 'send every column of the dataset (empty values for missing ones)');
    if (!compatible(f.type, t)) throw new InputError(`column "${f.name}" is ${t} in the appended rows but ${f.type} in dataset ${dataset}`, { column: f.name }, `send ${f.type} values in "${f.name}"`);
  }
}

function compatible(a: ColumnType, b: ColumnType): boolean {
  const strings = (t: ColumnType): boolean => t === 'categorical' || t === 'text';
  return a === b || (strings(a) && strings(b));
}

/** The parts of a version: its manifest's list, or the single artifact of a plain Parquet version. */
export async function partsOf(artifacts: ArtifactStore, record: DatasetVersionSummary): Promise<DatasetPart[]> {
  if (record.format !== PARTS_FORMAT) return [{ hash: record.artifactHash, rows: record.rows, bytes: record.bytes }];
  let manifest: PartsManifest;
  try {
    manifest = JSON.parse(Buffer.from(await artifacts.get(record.artifactHash)).toString('utf8')) as PartsManifest;
  } catch (err) {
    throw new InternalError(`the part list of ${record.name}@${record.version} cannot be read`, { dataset: record.name }, { cause: err });
  }
  if (manifest.kind !== 'kiln.dataset-parts' || !Array.isArray(manifest.parts)) throw new InternalError(`the part list of ${record.name}@${record.version} is not a Kiln manifest`, { dataset: record.name });
  return manifest.parts.map((p) => ({ hash: p.hash, rows: p.rows, bytes: p.bytes }));
}

/**
 * Appends a part as the next version of `part.name`, through `tx` (call it inside
 * `metadata.transaction` to commit more with the version, e.g. a stream offset). The first append to
 * an unknown name creates version 1. A concurrent append that took the next number first makes this
 * one a ConflictError (the caller's transaction rolls back; retry).
 */
export async function appendPart(tx: MetadataStore, artifacts: ArtifactStore, part: AppendPart): Promise<AppendResult> {
  const previous = await tx.datasets.getVersion(part.name, 'latest');
  const previousSchema = await storedSchema(artifacts, previous);
  if (previous && previousSchema) checkAppendSchema(part.name, previousSchema, part.schema.fields);
  const parts = previous ? await partsOf(artifacts, previous) : [];
  const ref = await artifacts.putFile(part.partPath);
  parts.push({ hash: ref.hash, rows: part.rows, bytes: ref.size });
  const manifest: PartsManifest = { kind: 'kiln.dataset-parts', parts };
  const manifestRef = await artifacts.put(Buffer.from(JSON.stringify(manifest), 'utf8'));
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const bytes = parts.reduce((s, p) => s + p.bytes, 0);
  const base = previousSchema ?? part.schema;
  const schemaValue = { fields: base.fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable || (part.schema.fields.find((p) => p.name === f.name)?.nullable ?? true) })) };
  const schemaJson = JSON.stringify(schemaValue);
  const schema = schemaJson.length <= INLINE_SCHEMA_LIMIT ? { kind: 'inline' as const, value: schemaValue } : { kind: 'artifact' as const, hash: (await artifacts.put(Buffer.from(schemaJson, 'utf8'))).hash };
  const profileRef = await artifacts.put(Buffer.from(JSON.stringify(part.profile), 'utf8'));
  const reg = await tx.datasets.createVersion({
    name: part.name,
    hash: manifestRef.hash,
    rows,
    columns: base.fields.length,
    bytes,
    schema,
    profile: { kind: 'artifact', hash: profileRef.hash },
    summary: summarizeProfile(part.profile),
    artifactHash: manifestRef.hash,
    format: PARTS_FORMAT,
    source: part.source,
    createdAt: part.createdAt,
  });
  const expected = (previous?.version ?? 0) + 1;
  if (!reg.created || reg.version !== expected) {
    throw new ConflictError(`another append to dataset ${part.name} committed first (version ${reg.version})`, { dataset: part.name }, 'retry the append');
  }
  return { name: part.name, version: reg.version, hash: manifestRef.hash, rows, appendedRows: part.rows, parts: parts.length, bytes, createdAt: part.createdAt };
}

/**
 * A local Parquet path holding every row of a partitioned version, in part order: the parts are
 * concatenated by DuckDB into `cacheDir` once per version (content-addressed by the manifest hash).
 */
export async function materializeParts(artifacts: ArtifactStore, record: DatasetVersionRecord, cacheDir: string): Promise<string> {
  const target = join(cacheDir, `parts-${record.artifactHash}.parquet`);
  if (await exists(target)) return target;
  const parts = await partsOf(artifacts, record);
  const paths: string[] = [];
  for (const p of parts) {
    paths.push(
      await artifacts.materialize(p.hash).catch((err: unknown) => {
        if (err instanceof NotFoundError) throw new NotFoundError(`part ${p.hash} of ${record.name}@${record.version} is missing from the artifact store (${artifacts.location})`, { dataset: record.name });
        throw err;
      }),
    );
  }
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await withDuckDb(async (conn) => {
      // One ordered scan: file_row_number keeps each part's row order, the list order keeps parts in order.
      await conn.run(`COPY (SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet(${quoteLiteralList(paths)}, filename = true, file_row_number = true) ORDER BY list_position(${quoteLiteralList(paths)}, filename), file_row_number) TO ${quoteLiteral(tmp)} (FORMAT parquet)`);
    });
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return target;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
