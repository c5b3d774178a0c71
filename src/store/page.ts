/**
 * Keyset pagination shared by every repository list: a page is `{ items, next }`, where `next` is an
 * opaque cursor (base64url JSON of the last row's sort key, tagged with the list it belongs to) or null
 * on the last page. Keyset, not OFFSET: a page costs the same however deep it is, and rows added between
 * requests never make a page skip or repeat a row.
 */
import { UsageError } from '../core/errors.js';

/** Page size when a caller gives none. */
export const DEFAULT_PAGE_LIMIT = 100;
/** Largest page a caller may ask for; bigger asks are a UsageError, not silently clamped. */
export const MAX_PAGE_LIMIT = 1000;
/** Longest cursor accepted (a cursor carries one sort key; names are short). */
const MAX_CURSOR_LENGTH = 4096;

/** What a list call asks for: at most `limit` items after `cursor` (the `next` of the previous page). */
export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

/** One page of a list; `next` is null on the last page. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** A sort key value inside a cursor. */
export type CursorValue = string | number;

/** The page size to use: `limit` checked against 1..MAX_PAGE_LIMIT, or the default. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new UsageError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${String(limit)}`, { field: 'limit' });
  }
  return limit;
}

/** Encodes the sort key of a page's last item as an opaque cursor for the list named `list`. */
export function encodeCursor(list: string, key: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor(list, ...)` whose key has the given value types; anything
 * else (tampered, truncated, from another list) is a UsageError naming the `cursor` field.
 */
export function decodeCursor<const K extends readonly ('string' | 'number')[]>(
  list: string,
  cursor: string,
  types: K,
): { [I in keyof K]: K[I] extends 'string' ? string : number } {
  const bad = (): UsageError =>
    new UsageError('cursor is not one this list returned', { field: 'cursor' }, 'Pass the "next" value of the previous page unchanged, or leave the cursor out for the first page.');
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== types.length + 1 || parsed[0] !== list) throw bad();
  const key = parsed.slice(1) as unknown[];
  types.forEach((type, i) => {
    const value = key[i];
    if (type === 'string' ? typeof value !== 'string' : !(typeof value === 'number' && Number.isSafeInteger(value))) throw bad();
  });
  return key as { [I in keyof K]: K[I] extends 'string' ? string : number };
}

/** Builds a page from up to `limit + 1` rows fetched in key order: the extra row only says "there is more". */
export function toPage<R, T>(rows: readonly R[], limit: number, map: (row: R) => T, keyOf: (item: T) => readonly CursorValue[], list: string): Page<T> {
  const items = rows.slice(0, limit).map(map);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last !== undefined ? encodeCursor(list, keyOf(last)) : null };
}
