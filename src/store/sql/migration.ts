/**
 * The shape of one schema migration. Migrations are numbered 1, 2, 3, ... (ids reserved by a parallel
 * branch may be briefly missing until it merges), never edited
 * once released, and only ever added; `runMigrations` applies the missing ones in order.
 */
import type { Kysely } from 'kysely';
import type { MetadataDialect } from '../metadata-store.js';

/** One forward-only schema change. */
export interface Migration {
  /** Position in the sequence, starting at 1. */
  readonly id: number;
  /** Stable name, recorded in `kiln_migrations` (e.g. `001-datasets`). */
  readonly name: string;
  /** Applies the change; runs inside the migration transaction. */
  up(db: Kysely<unknown>, dialect: MetadataDialect): Promise<void>;
}
