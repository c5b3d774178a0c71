/**
 * Dialect-agnostic SQL implementation of the dataset repository (Kysely). Version allocation happens in
 * one transaction: upsert the dataset row with ON CONFLICT DO UPDATE (which row-locks it on PostgreSQL;
 * SQLite transactions already hold the write lock from `BEGIN IMMEDIATE`), then insert the next version.
 * The (dataset_name, version) primary key backs this up; a violation is retried a few times.
 */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, InternalError, UsageError } from '../../core/errors.js';
import type {
  DatasetRepository,
  DatasetSummary,
  DatasetVersionRecord,
  DatasetVersionRegistration,
  DatasetVersionSummary,
  NewDatasetVersion,
} from '../dataset-repository.js';
import type { DatasetVersionsTable, KilnDatabase } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

const MAX_ATTEMPTS = 5;
const SUMMARY_COLUMNS = [
  'dataset_name',
  'version',
  'content_hash',
  'row_count',
  'column_count',
  'byte_count',
  'artifact_hash',
  'format',
  'source',
  'created_at',
] as const;

type SummaryRow = Pick<Selectable<DatasetVersionsTable>, (typeof SUMMARY_COLUMNS)[number]>;

/** Dataset repository over any Kysely connection or transaction. */
export class SqlDatasetRepository implements DatasetRepository {
  /** `inTransaction`: `db` is an open transaction, so no own transaction and no retry. */
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
  ) {}

  async createDatasetVersion(input: NewDatasetVersion): Promise<DatasetVersionRegistration> {
    const json = checkNewDatasetVersion(input);
    if (this.inTransaction) {
      try {
        return await this.register(this.db, input, json);
      } catch (err) {
        throw isUniqueViolation(err) ? versionConflict(input.name, err) : err;
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute((trx) => this.register(trx, input, json));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (attempt >= MAX_ATTEMPTS) throw versionConflict(input.name, err);
      }
    }
  }

  async getDatasetVersion(name: string, version: number | 'latest'): Promise<DatasetVersionRecord | null> {
    if (version !== 'latest' && !(Number.isSafeInteger(version) && version >= 1)) {
      throw new UsageError(`dataset version must be a positive integer or 'latest', got ${String(version)}`, { field: 'version' });
    }
    let query = this.db.selectFrom('dataset_versions').selectAll().where('dataset_name', '=', name);
    query = version === 'latest' ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    if (!row) return null;
    return {
      ...toSummary(row),
      schema: parseStoredJson(row.schema_json, row.dataset_name, row.version, 'schema'),
      profile: parseStoredJson(row.profile_json, row.dataset_name, row.version, 'profile'),
    };
  }

  async listDatasets(): Promise<DatasetSummary[]> {
    const rows = await this.db
      .selectFrom('datasets as d')
      .innerJoin('dataset_versions as v', 'v.dataset_name', 'd.name')
      .select((eb) => ['d.name', 'd.latest_version', 'd.updated_at', eb.fn.count<number | string>('v.version').as('versions')])
      .groupBy(['d.name', 'd.latest_version', 'd.updated_at'])
      .orderBy('d.name')
      .execute();
    return rows.map((r) => ({ name: r.name, latestVersion: Number(r.latest_version), versions: Number(r.versions), updatedAt: r.updated_at }));
  }

  async listDatasetVersions(name: string): Promise<DatasetVersionSummary[]> {
    const rows = await this.db
      .selectFrom('dataset_versions')
      .select(SUMMARY_COLUMNS)
      .where('dataset_name', '=', name)
      .orderBy('version')
      .execute();
    return rows.map(toSummary);
  }

  private async register(
    trx: Kysely<KilnDatabase>,
    input: NewDatasetVersion,
    json: { schema: string; profile: string },
  ): Promise<DatasetVersionRegistration> {
    // Upsert-and-lock in one statement: ON CONFLICT DO UPDATE takes the dataset row's lock (PostgreSQL
    // waits here for a concurrent registration of the same name to commit) and returns its latest version.
    const dataset = await trx
      .insertInto('datasets')
      .values({ name: input.name, latest_version: 0, created_at: input.createdAt, updated_at: input.createdAt })
      .onConflict((oc) => oc.column('name').doUpdateSet({ name: (eb) => eb.ref('excluded.name') }))
      .returning('latest_version')
      .executeTakeFirstOrThrow();
    const existing = await trx
      .selectFrom('dataset_versions')
      .select('version')
      .where('dataset_name', '=', input.name)
      .where('content_hash', '=', input.hash)
      .executeTakeFirst();
    if (existing) return { version: Number(existing.version), created: false };
    const version = Number(dataset.latest_version) + 1;
    await trx
      .insertInto('dataset_versions')
      .values({
        dataset_name: input.name,
        version,
        content_hash: input.hash,
        row_count: input.rows,
        column_count: input.columns,
        byte_count: input.bytes,
        schema_json: json.schema,
        profile_json: json.profile,
        artifact_hash: input.artifactHash,
        format: input.format,
        source: input.source,
        created_at: input.createdAt,
      })
      .execute();
    await trx
      .updateTable('datasets')
      .set({ latest_version: version, updated_at: input.createdAt })
      .where('name', '=', input.name)
      .execute();
    return { version, created: true };
  }
}

function toSummary(row: SummaryRow): DatasetVersionSummary {
  return {
    name: row.dataset_name,
    version: Number(row.version),
    hash: row.content_hash,
    rows: Number(row.row_count),
    columns: Number(row.column_count),
    bytes: Number(row.byte_count),
    artifactHash: row.artifact_hash,
    format: row.format,
    source: row.source,
    createdAt: row.created_at,
  };
}

function parseStoredJson(text: string, name: string, version: number, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InternalError(`stored ${field} of dataset '${name}' version ${version} is not valid JSON`, { field }, { cause: err });
  }
}

function versionConflict(name: string, cause: unknown): ConflictError {
  const err = new ConflictError(
    `could not allocate a version for dataset '${name}': another registration kept taking the same number`,
    { field: 'name' },
    'retry the registration',
  );
  err.cause = cause;
  return err;
}

/** Rejects malformed registrations with the offending field named; returns the serialized JSON documents. */
function checkNewDatasetVersion(input: NewDatasetVersion): { schema: string; profile: string } {
  for (const field of ['name', 'hash', 'artifactHash', 'format', 'createdAt'] as const) {
    const value: unknown = input[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new UsageError(`dataset version field '${field}' must be a non-empty string`, { field });
    }
  }
  for (const field of ['rows', 'columns', 'bytes'] as const) {
    const value: unknown = input[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new UsageError(`dataset version field '${field}' must be a non-negative integer, got ${String(value)}`, { field });
    }
  }
  if (input.source !== null && typeof input.source !== 'string') {
    throw new UsageError(`dataset version field 'source' must be a string or null`, { field: 'source' });
  }
  return { schema: toJson(input.schema, 'schema'), profile: toJson(input.profile, 'profile') };
}

function toJson(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new UsageError(`dataset version field '${field}' is not JSON-serializable: ${(err as Error).message}`, { field });
  }
  if (text === undefined) throw new UsageError(`dataset version field '${field}' must be a JSON value, got ${typeof value}`, { field });
  return text;
}
