/**
 * The `OnlineStore` port: the latest feature values per (project, feature view, entity key), for
 * low-latency reads at serving time. Event-time semantics: a record older than the stored one never
 * replaces it (checked atomically inside the store, so concurrent writers cannot race it), and the TTL
 * is applied at read time, so a value ages out without a sweeper. Adapters: embedded SQLite
 * (`sqlite/sqlite-online-store.ts`) and Redis (`redis/redis-online-store.ts`), one contract suite.
 */

/** A JSON-representable feature value. */
export type OnlineValue = string | number | boolean | null;

/** One entity's values of one view at one event time. */
export interface OnlineRecord {
  readonly view: string;
  /** The entity's join-key values, canonically encoded by the caller (see `encodeEntityKey`). */
  readonly entityKey: string;
  /** Event time, epoch milliseconds. */
  readonly eventTime: number;
  readonly values: Readonly<Record<string, OnlineValue>>;
}

/** Status of one value read online. */
export type OnlineStatus = 'present' | 'missing' | 'outside_ttl';

/** One value read online. */
export interface OnlineReadValue {
  readonly status: OnlineStatus;
  /** The value when present; null otherwise. */
  readonly value: OnlineValue;
  /** Event time (epoch ms) of the stored record, null when there is none. */
  readonly eventTime: number | null;
}

/** What to read: some features of one view for some entities, as of `now`. */
export interface OnlineReadRequest {
  readonly view: string;
  readonly entityKeys: readonly string[];
  readonly features: readonly string[];
  /** TTL in milliseconds (null: never expires); a record with `now - eventTime > ttl` is outside it. */
  readonly ttlMs: number | null;
  /** Epoch ms the read is "as of" (default: now). */
  readonly now?: number;
}

/** Result of a write batch. */
export interface OnlineWriteResult {
  /** Records stored (newer than or as new as what was there). */
  readonly written: number;
  /** Records ignored because a newer one is stored. */
  readonly stale: number;
}

/** Latest feature values per entity, for serving. */
export interface OnlineStore {
  /** Store `records` in `project`; each replaces the stored record only if its event time is not older. */
  write(project: string, records: readonly OnlineRecord[]): Promise<OnlineWriteResult>;
  /** One map feature -> value per entity key, in request order. */
  read(project: string, request: OnlineReadRequest): Promise<Array<Record<string, OnlineReadValue>>>;
  /** How many entities of `view` are stored in `project`, and the newest event time among them (ms; null when none). */
  viewStats(project: string, view: string): Promise<OnlineViewStats>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** What the online store holds for one view (for `kiln features stats`). */
export interface OnlineViewStats {
  readonly entities: number;
  readonly latestEventTime: number | null;
}

/** A canonical entity key from join-key values (order as the entity declares them). */
export function encodeEntityKey(values: readonly OnlineValue[]): string {
  return JSON.stringify(values);
}

/** The per-feature statuses of one stored record (or none) as of `now`. */
export function readValues(stored: { eventTime: number; values: Record<string, OnlineValue> } | null, features: readonly string[], ttlMs: number | null, now: number): Record<string, OnlineReadValue> {
  const out: Record<string, OnlineReadValue> = {};
  const expired = stored !== null && ttlMs !== null && now - stored.eventTime > ttlMs;
  for (const f of features) {
    if (stored === null || !Object.hasOwn(stored.values, f) || stored.values[f] === null) out[f] = { status: 'missing', value: null, eventTime: stored?.eventTime ?? null };
    else if (expired) out[f] = { status: 'outside_ttl', value: null, eventTime: stored.eventTime };
    else out[f] = { status: 'present', value: stored.values[f], eventTime: stored.eventTime };
  }
  return out;
}

/** Throws a UsageError-shaped message for a malformed record (shared by adapters). */
export function checkOnlineRecord(r: OnlineRecord, index: number): string | null {
  if (typeof r.view !== 'string' || r.view.length === 0) return `record ${index}: 'view' must be a non-empty string`;
  if (typeof r.entityKey !== 'string' || r.entityKey.length === 0) return `record ${index}: 'entityKey' must be a non-empty string`;
  if (!Number.isFinite(r.eventTime)) return `record ${index}: 'eventTime' must be epoch milliseconds`;
  if (typeof r.values !== 'object' || r.values === null) return `record ${index}: 'values' must be an object`;
  return null;
}
