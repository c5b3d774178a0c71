/**
 * The security repositories: projects, API tokens and the append-only audit log. Ports only; the SQL
 * implementation is `sql/sql-security-repositories.ts`, checked by `security-repository.contract.ts` on
 * SQLite and PostgreSQL. Hashing and the audit chain's rules live in `security/`; the store only keeps
 * rows and appends audit entries atomically after the last one.
 */

import type { Page, PageRequest } from './page.js';

export type { Page, PageRequest } from './page.js';

/** A project: every resource belongs to one. */
export interface ProjectRecord {
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** A role grant stored with a token (same shape as `security/permissions` Grant). */
export interface StoredGrant {
  readonly project: string;
  readonly role: string;
  readonly resources?: Record<string, readonly string[]>;
}

/** An API token as stored: never the secret, only its slow hash. */
export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly secretHash: string;
  readonly grants: readonly StoredGrant[];
  readonly superuser: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** One audit log entry as stored (the chain's rules are in `security/audit-chain.ts`). */
export interface AuditEntryRecord {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly project: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly requestId: string | null;
  readonly sourceAddress: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

/** Filters of `audit.list`. */
export interface AuditFilter {
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly actor?: string;
  readonly project?: string;
  /** ISO-8601: entries at or after. */
  readonly since?: string;
}

/** Projects. */
export interface ProjectRepository {
  /** Creates a project; false when it already exists. */
  create(project: ProjectRecord): Promise<boolean>;
  get(name: string): Promise<ProjectRecord | null>;
  list(page?: PageRequest): Promise<Page<ProjectRecord>>;
}

/** API tokens. */
export interface ApiTokenRepository {
  create(token: ApiTokenRecord): Promise<void>;
  get(id: string): Promise<ApiTokenRecord | null>;
  list(page?: PageRequest): Promise<Page<ApiTokenRecord>>;
  /** Marks a token revoked; false when unknown or already revoked. */
  revoke(id: string, at: string): Promise<boolean>;
  /** Records use (best effort; callers may throttle). */
  touch(id: string, at: string): Promise<void>;
  /** How many tokens exist (0 on a fresh server: the first start creates the admin token). */
  count(): Promise<number>;
}

/** The append-only audit log: no method edits or deletes an entry. */
export interface AuditRepository {
  /**
   * Appends the entry `seal` builds from the current last entry (null when the log is empty), atomically:
   * two concurrent appends never both follow the same entry.
   */
  append(seal: (last: { seq: number; hash: string } | null) => AuditEntryRecord): Promise<AuditEntryRecord>;
  /** Newest first, filtered, keyset-paginated by seq. */
  list(filter?: AuditFilter, page?: PageRequest): Promise<Page<AuditEntryRecord>>;
  /** Every entry oldest first, streamed in batches (for verification and NDJSON export). */
  scan(batchSize?: number): AsyncIterable<AuditEntryRecord>;
}
