/**
 * A tiny forward-only migration runner. It applies the missing migrations in one transaction, records
 * each in `kiln_migrations`, and refuses a database that was migrated by a newer Kiln (an applied
 * migration this code does not know), because running old code on a newer schema corrupts data quietly.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { ConflictError, InternalError } from '../../core/errors.js';
import type { MetadataDialect } from '../metadata-store.js';
import type { KilnDatabase } from './kiln-database.js';
import type { Migration } from './migration.js';

/** Names of the migrations a run applied (empty when the schema was current). */
export interface MigrationReport {
  applied: string[];
}

/**
 * Brings the schema up to date. `where` names the database in error messages (never a password).
 * Safe to call from several processes at once: PostgreSQL takes an advisory lock, SQLite a write lock.
 */
export async function runMigrations(
  db: Kysely<KilnDatabase>,
  dialect: MetadataDialect,
  migrations: readonly Migration[],
  where: string,
): Promise<MigrationReport> {
  // Ids strictly increase; a gap is allowed because parallel branches reserve ids ahead of merging
  // (e.g. 014 before 013 lands): each migration is looked up by id, never by position.
  const byId = new Map<number, Migration>();
  migrations.forEach((m, i) => {
    const prev = migrations[i - 1];
    if (!Number.isSafeInteger(m.id) || m.id < 1 || (prev !== undefined && m.id <= prev.id)) throw new InternalError(`migration list is out of order: position ${i + 1} holds ${m.name} (id ${m.id})`);
    byId.set(m.id, m);
  });
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') {
      // Serializes concurrent openers of the same schema; released at commit.
      await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.kiln_migrations'))`.execute(trx);
    }
    await trx.schema
      .createTable('kiln_migrations')
      .ifNotExists()
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const done = await trx.selectFrom('kiln_migrations').select(['id', 'name']).orderBy('id').execute();
    for (const row of done) {
      const id = Number(row.id);
      const known = byId.get(id);
      if (!known) {
        throw new ConflictError(
          `${where} was migrated by a newer Kiln: it has migration ${row.name} (id ${id}) but this Kiln knows only up to ${migrations.at(-1)?.name ?? 'none'}`,
          { migration: row.name },
          'upgrade Kiln, or point KILN_DATABASE_URL at a database this version created',
        );
      }
      if (known.name !== row.name) {
        throw new ConflictError(
          `${where} has migration ${id} recorded as ${row.name}, but this Kiln calls it ${known.name}`,
          { migration: row.name },
          'the database was created by a different Kiln build; use a matching version or a fresh database',
        );
      }
    }
    const applied: string[] = [];
    const migrationDb = trx as unknown as Kysely<unknown>;
    const appliedIds = new Set(done.map((row) => Number(row.id)));
    for (const m of migrations.filter((x) => !appliedIds.has(x.id))) {
      await m.up(migrationDb, dialect);
      await trx.insertInto('kiln_migrations').values({ id: m.id, name: m.name, applied_at: new Date().toISOString() }).execute();
      applied.push(m.name);
    }
    return { applied };
  });
}
