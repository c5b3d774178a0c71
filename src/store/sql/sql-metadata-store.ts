/**
 * `MetadataStore` over a Kysely instance: the one implementation both SQL adapters share. Adapters only
 * build the Kysely dialect, run migrations and hand the instance here; everything past that point is
 * dialect-agnostic. New repositories are added as another delegate (one file each) plus a migration.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { UsageError } from '../../core/errors.js';
import type {
  DatasetSummary,
  DatasetVersionRecord,
  DatasetVersionRegistration,
  DatasetVersionSummary,
  NewDatasetVersion,
} from '../dataset-repository.js';
import type { MetadataDialect, MetadataStore } from '../metadata-store.js';
import type { KilnDatabase } from './kiln-database.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migration.js';
import { runMigrations } from './run-migrations.js';
import { SqlDatasetRepository } from './sql-dataset-repository.js';

/** Options for `openSqlMetadataStore`. */
export interface OpenSqlMetadataStoreOptions {
  /** Names the database in error messages (no passwords). */
  where: string;
  /** Override the migration list (tests only). */
  migrations?: readonly Migration[];
}

/** Migrates `db` to the current schema and wraps it as a store; destroys `db` if migration fails. */
export async function openSqlMetadataStore(
  db: Kysely<KilnDatabase>,
  dialect: MetadataDialect,
  options: OpenSqlMetadataStoreOptions,
): Promise<MetadataStore> {
  try {
    await runMigrations(db, dialect, options.migrations ?? MIGRATIONS, options.where);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new SqlMetadataStore(db, dialect, false);
}

/** The shared SQL store; `inTransaction` marks the view handed to a `transaction` callback. */
export class SqlMetadataStore implements MetadataStore {
  private readonly datasets: SqlDatasetRepository;

  constructor(
    private readonly db: Kysely<KilnDatabase>,
    readonly dialect: MetadataDialect,
    private readonly inTransaction: boolean,
  ) {
    this.datasets = new SqlDatasetRepository(db, inTransaction);
  }

  createDatasetVersion(input: NewDatasetVersion): Promise<DatasetVersionRegistration> {
    return this.datasets.createDatasetVersion(input);
  }

  getDatasetVersion(name: string, version: number | 'latest'): Promise<DatasetVersionRecord | null> {
    return this.datasets.getDatasetVersion(name, version);
  }

  listDatasets(): Promise<DatasetSummary[]> {
    return this.datasets.listDatasets();
  }

  listDatasetVersions(name: string): Promise<DatasetVersionSummary[]> {
    return this.datasets.listDatasetVersions(name);
  }

  async transaction<T>(fn: (tx: MetadataStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new SqlMetadataStore(trx, this.dialect, true)));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    if (this.inTransaction) throw new UsageError('close() was called on a transaction; close the store that opened it instead');
    await this.db.destroy();
  }
}
