/**
 * Kysely's SQLite dialect with `BEGIN IMMEDIATE` transactions. A plain `BEGIN` is deferred: two processes
 * can both read the latest version and then fail to upgrade to a write lock (SQLITE_BUSY, not retried by
 * busy_timeout). Taking the write lock up front makes concurrent writers queue on busy_timeout instead.
 */
import { CompiledQuery, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, Driver, SqliteDialectConfig } from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite dialect whose transactions start with `BEGIN IMMEDIATE`. */
export class SqliteImmediateDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
