/**
 * The migration runner with ids reserved by parallel branches: a list with a gap (014 before 013 lands)
 * applies, the late migration is applied when it arrives, and lists out of id order are refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteMetadataStore } from '../sqlite/sqlite-metadata-store.js';
import type { Migration } from './migration.js';
import { MIGRATIONS } from './migrations/index.js';

const folders: string[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

function table(id: number): Migration {
  return { id, name: `${900 + id}-t${id}`, up: async (db: Kysely<unknown>) => void (await db.schema.createTable(`t${id}`).addColumn('x', 'integer').execute()) };
}

describe('runMigrations with reserved ids', () => {
  it('applies a list with a gap, then the missing migration once it arrives', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kiln-migrations-'));
    folders.push(folder);
    const file = join(folder, 'kiln.db');
    const last = MIGRATIONS.at(-1)!.id;
    await (await openSqliteMetadataStore(file, { migrations: [...MIGRATIONS, table(last + 2)] })).close();
    await (await openSqliteMetadataStore(file, { migrations: [...MIGRATIONS, table(last + 1), table(last + 2)] })).close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('select id from kiln_migrations order by id').pluck().all().slice(-2)).toEqual([last + 1, last + 2]);
    expect(raw.prepare("select count(*) from sqlite_master where name in (?, ?)").pluck().get(`t${last + 1}`, `t${last + 2}`)).toBe(2);
    raw.close();
  });

  it('refuses a list out of id order or with a repeated id', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kiln-migrations-'));
    folders.push(folder);
    const last = MIGRATIONS.at(-1)!.id;
    await expect(openSqliteMetadataStore(join(folder, 'a.db'), { migrations: [...MIGRATIONS, table(last + 2), table(last + 1)] })).rejects.toThrow(/out of order/);
    await expect(openSqliteMetadataStore(join(folder, 'b.db'), { migrations: [...MIGRATIONS, table(last)] })).rejects.toThrow(/out of order/);
  });
});
