/**
 * PostgreSQL adapter of the `MetadataStore` port (pg Pool). Kiln's tables live in the connection's
 * search_path, or in `options.schema` (created if missing), so one database can hold several isolated
 * Kiln installations or test runs.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { UsageError } from '../../core/errors.js';
import type { MetadataStore } from '../metadata-store.js';
import type { KilnDatabase } from '../sql/kiln-database.js';
import type { Migration } from '../sql/migration.js';
import { openSqlMetadataStore } from '../sql/sql-metadata-store.js';
import { redactPassword } from '../redact-url-password.js';

/** Options for `openPostgresMetadataStore`. */
export interface OpenPostgresMetadataStoreOptions {
  /** Schema for Kiln's tables (lowercase identifier, created if missing); default: the search_path. */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Override the migration list (tests only). */
  migrations?: readonly Migration[];
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
// Errors that mean "cannot reach or log into the server" rather than a bug: refused, DNS, timeout,
// bad password (28P01), unknown role (28000), unknown database (3D000).
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', '28P01', '28000', '3D000']);

/** Connects, migrates, and returns a store; a bad URL or unreachable server is a UsageError naming the (password-free) URL. */
export async function openPostgresMetadataStore(
  connectionString: string,
  options: OpenPostgresMetadataStoreOptions = {},
): Promise<MetadataStore> {
  const where = `PostgreSQL database ${redactPassword(connectionString)}`;
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new UsageError(`PostgreSQL schema name '${schema}' is not a plain lowercase identifier`, { field: 'schema' }, 'use letters, digits and _');
  }
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client dropped by the server emits 'error' on the pool; the pool discards it and the next
  // query reconnects, so it must not crash the process as an unhandled 'error' event.
  pool.on('error', () => undefined);
  const db = new Kysely<KilnDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema !== undefined) await createSchema(pool, schema);
    return await openSqlMetadataStore(db, 'postgres', { where, migrations: options.migrations });
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw isConnectionError(err)
      ? new UsageError(`cannot connect to ${where}: ${(err as Error).message}`, { field: 'KILN_DATABASE_URL' }, 'check the URL, credentials and that the server is running')
      : err;
  }
}

/** `CREATE SCHEMA IF NOT EXISTS` is not concurrency-safe: a racing opener that created it first shows up as a duplicate. */
async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists "${schema}"`);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== '23505' && code !== '42P06') throw err;
  }
}

function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  // Node wraps multi-address connection failures (IPv4 + IPv6) in an AggregateError.
  return err instanceof AggregateError && err.errors.some(isConnectionError);
}

export { redactPassword };
