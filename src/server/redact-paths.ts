/**
 * Server paths never reach a client: a 4xx message from a reader names the file it read, which over
 * HTTP is a temp upload or an artifact. Routes relabel the files they know (`upload:sales.csv`,
 * `telco@3`); the error handler then replaces anything still under a server folder with `<server path>`.
 */
import { KilnError } from '../core/errors.js';
import type { ErrorDetails } from '../core/errors.js';
import { HttpStatusError } from './http-status-error.js';

/** A server path and what to call it in messages instead. */
export type PathLabel = readonly [path: string, label: string];

/** Copy of `err` with `rewrite` applied to its message, hint and every string in its details. */
export function rewriteError(err: KilnError, rewrite: (text: string) => string): KilnError {
  const message = rewrite(err.message);
  const hint = err.hint === undefined ? undefined : rewrite(err.hint);
  const details = rewriteValue(err.details, rewrite) as ErrorDetails;
  if (err instanceof HttpStatusError) return new HttpStatusError(err.status, err.code === 'internal' ? 'usage' : err.code, message, details, hint);
  return new KilnError(err.code, message, details, hint, { cause: err });
}

/** Run `fn`; a KilnError it throws has each labelled path replaced by its label. */
export async function withPathLabels<T>(labels: readonly PathLabel[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof KilnError)) throw err;
    // Longest first, so a file's label wins over its folder's.
    const sorted = labels.filter(([p]) => p.length > 0).sort((a, b) => b[0].length - a[0].length);
    throw rewriteError(err, (text) => sorted.reduce((t, [path, label]) => t.split(path).join(label), text));
  }
}

/** Replaces anything under one of `roots` (server folders: KILN_HOME, the temp dir, ...) with `<server path>`. */
export function serverPathScrubber(roots: readonly string[]): (text: string) => string {
  const usable = [...new Set(roots.filter((r) => r.startsWith('/') && r.length > 1))].sort((a, b) => b.length - a.length);
  if (usable.length === 0) return (text) => text;
  const re = new RegExp(`(?:${usable.map(escapeRegExp).join('|')})(?:/[^\\s"'\`,;)]*)?`, 'g');
  return (text) => text.replace(re, '<server path>');
}

function rewriteValue(value: unknown, rewrite: (text: string) => string): unknown {
  if (typeof value === 'string') return rewrite(value);
  if (Array.isArray(value)) return value.map((v) => rewriteValue(v, rewrite));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = rewriteValue(v, rewrite);
    return out;
  }
  return value;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
