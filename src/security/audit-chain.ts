/**
 * The audit log's hash chain: each entry's hash covers its content and the previous entry's hash, so
 * editing, deleting or reordering any entry breaks every hash after it. `verifyAuditChain` finds the first
 * broken link. Secrets are redacted before an entry is hashed or stored.
 */
import { createHash } from 'node:crypto';
import type { AuditEntryRecord } from '../store/security-repository.js';
import { canonicalJson } from '../runtime/canonical-json.js';

/** The hash that precedes the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** A stored entry: the event, its position, time and chain hashes (the store's record shape). */
export type AuditEntry = AuditEntryRecord;

/** What a caller records (actor `token:<id>` / `oidc:<sub>` / `local:<user>`, action `dataset.register`, ...). */
export type AuditEvent = Omit<AuditEntryRecord, 'seq' | 'at' | 'prevHash' | 'hash'>;

const SECRET_KEY = /(token|secret|password|passwd|api[-_]?key|private[-_]?key|credential|authorization|master[-_]?key)/i;

/** A JSON-safe copy of `value` with the values of secret-looking keys replaced by `"[redacted]"`. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 32) return '[truncated]';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // canonical JSON has no NaN
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== null && typeof v !== 'object' ? '[redacted]' : redactSecrets(v, depth + 1);
    return out;
  }
  return value;
}

/** The hash of an entry given its predecessor's hash. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const body = canonicalJson({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    project: entry.project,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: entry.requestId,
    sourceAddress: entry.sourceAddress,
  });
  return createHash('sha256').update(entry.prevHash).update('\n').update(body).digest('hex');
}

/** Seal an event as the entry after `prev` (null for the first). Secrets are redacted first. */
export function sealAuditEntry(event: AuditEvent, prev: { seq: number; hash: string } | null, at: Date = new Date()): AuditEntry {
  const unsealed = {
    ...event,
    before: redactSecrets(event.before ?? null),
    after: redactSecrets(event.after ?? null),
    seq: prev ? prev.seq + 1 : 1,
    at: at.toISOString(),
    prevHash: prev ? prev.hash : GENESIS_HASH,
  };
  return { ...unsealed, hash: auditEntryHash(unsealed) };
}

/** Result of checking a chain. */
export interface AuditVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** The first entry that does not verify, and why. */
  readonly brokenAt?: { readonly seq: number; readonly reason: string };
}

/** Check entries in order (streamed): sequence, links and hashes. */
export async function verifyAuditChain(entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>): Promise<AuditVerification> {
  let prev: AuditEntry | null = null;
  let n = 0;
  for await (const e of entries) {
    n++;
    const expectedSeq = prev ? prev.seq + 1 : 1;
    if (e.seq !== expectedSeq) return { ok: false, entries: n, brokenAt: { seq: e.seq, reason: `expected entry ${expectedSeq} (an entry was deleted or reordered)` } };
    if (e.prevHash !== (prev ? prev.hash : GENESIS_HASH)) return { ok: false, entries: n, brokenAt: { seq: e.seq, reason: 'prevHash does not match the previous entry' } };
    if (auditEntryHash(e) !== e.hash) return { ok: false, entries: n, brokenAt: { seq: e.seq, reason: 'content does not match its hash (the entry was edited)' } };
    prev = e;
  }
  return { ok: true, entries: n };
}
