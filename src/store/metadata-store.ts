/**
 * The `MetadataStore` port: every piece of platform metadata (datasets now; runs, models, ... as later
 * migrations add them) goes through this interface. Services depend on it, never on an adapter; the
 * adapter (SQLite or PostgreSQL) is chosen once by `openMetadataStore`.
 */
import type { DatasetRepository } from './dataset-repository.js';

/** The SQL backend behind a store. */
export type MetadataDialect = 'sqlite' | 'postgres';

/** Platform metadata: one method group per repository, plus transactions. */
export interface MetadataStore extends DatasetRepository {
  readonly dialect: MetadataDialect;
  /**
   * Runs `fn` in one transaction: everything it does through `tx` commits together or, if it throws,
   * not at all. Use only `tx` inside `fn` (on SQLite the outer store waits for the transaction to end).
   * Nested calls join the outer transaction.
   */
  transaction<T>(fn: (tx: MetadataStore) => Promise<T>): Promise<T>;
  /** A cheap round trip (`SELECT 1`) for readiness checks; throws when the database is unreachable. */
  ping(): Promise<void>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
