/**
 * SQLite adapter of the `MetadataStore` port (better-sqlite3, the embedded default). WAL mode lets readers
 * run beside the writer; synchronous=NORMAL is the recommended WAL setting (durable across process
 * crashes; a power cut may drop the last commits, never corrupt the file); foreign keys are on.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { UsageError } from '../../core/errors.js';
import type { MetadataStore } from '../metadata-store.js';
import type { KilnDatabase } from '../sql/kiln-database.js';
import type { Migration } from '../sql/migration.js';
import { openSqlMetadataStore } from '../sql/sql-metadata-store.js';
import { SqliteImmediateDialect } from './sqlite-immediate-dialect.js';

/** The special path for a private in-memory database. */
export const SQLITE_MEMORY = ':memory:';

/** Options for `openSqliteMetadataStore`. */
export interface OpenSqliteMetadataStoreOptions {
  /** How long a writer waits for another process's write lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Override the migration list (tests only). */
  migrations?: readonly Migration[];
}

/** Opens (creating if needed) the SQLite database at `path` or `:memory:`, and migrates it. */
export async function openSqliteMetadataStore(path: string, options: OpenSqliteMetadataStoreOptions = {}): Promise<MetadataStore> {
  const file = path === SQLITE_MEMORY ? path : resolve(path);
  const database = openDatabase(file, Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000)));
  const db = new Kysely<KilnDatabase>({ dialect: new SqliteImmediateDialect({ database }) });
  return openSqlMetadataStore(db, 'sqlite', { where: `SQLite database ${file}`, migrations: options.migrations });
}

function openDatabase(file: string, busyTimeoutMs: number): Database.Database {
  const memory = file === SQLITE_MEMORY;
  let database: Database.Database | undefined;
  try {
    if (!memory) mkdirSync(dirname(file), { recursive: true });
    database = new Database(file);
    if (!memory) database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    return database;
  } catch (err) {
    database?.close();
    throw new UsageError(
      `cannot open SQLite database ${file}: ${(err as Error).message}`,
      { file },
      'check that the path is a writable SQLite file (or set KILN_DATABASE_URL)',
    );
  }
}
