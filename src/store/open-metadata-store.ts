/**
 * Picks the metadata adapter from a URL (`KILN_DATABASE_URL`): `postgres://` / `postgresql://` ->
 * PostgreSQL; `sqlite:PATH` (or `sqlite:///abs/path`, `sqlite::memory:`) or nothing -> SQLite, by
 * default at `<home>/kiln.db`. This is the only place that knows both adapters.
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { MetadataStore } from './metadata-store.js';
import { redactPassword } from './redact-url-password.js';
import { openSqliteMetadataStore } from './sqlite/sqlite-metadata-store.js';

/** Where a metadata URL points. */
export type MetadataLocation = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

/** Parses a metadata URL without connecting; throws UsageError for anything unsupported. */
export function parseMetadataUrl(url: string | undefined, home: string): MetadataLocation {
  const trimmed = url?.trim() ?? '';
  if (trimmed === '') return { dialect: 'sqlite', path: join(home, 'kiln.db') };
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { dialect: 'postgres', url: trimmed };
  if (/^sqlite:/i.test(trimmed)) {
    let path = trimmed.slice('sqlite:'.length);
    // `sqlite:///abs/path` is the URL spelling of `sqlite:/abs/path`.
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new UsageError(`metadata URL '${trimmed}' has no path`, { field: 'KILN_DATABASE_URL' }, 'write sqlite:PATH, e.g. sqlite:./kiln.db or sqlite::memory:');
    return { dialect: 'sqlite', path };
  }
  throw new UsageError(
    `unsupported metadata URL '${redactPassword(trimmed)}'`,
    { field: 'KILN_DATABASE_URL' },
    'use postgres://user:password@host:5432/db, sqlite:PATH, or leave KILN_DATABASE_URL unset for <KILN_HOME>/kiln.db',
  );
}

/** Opens the metadata store `url` names (default: SQLite at `<home>/kiln.db`) and migrates it. */
export async function openMetadataStore(url: string | undefined, home: string): Promise<MetadataStore> {
  const location = parseMetadataUrl(url, home);
  if (location.dialect === 'sqlite') return openSqliteMetadataStore(location.path);
  // The PostgreSQL driver loads only for a postgres:// URL.
  const { openPostgresMetadataStore } = await import('./postgres/postgres-metadata-store.js');
  return openPostgresMetadataStore(location.url);
}
