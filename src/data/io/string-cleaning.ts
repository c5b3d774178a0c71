/**
 * The cleaning CSV string fields get before they become values: trimmed the way DuckDB's `trim()` trims
 * (Unicode space separators only; tabs and line breaks stay), blank or listed strings made missing.
 * The decoder applies it in JS because a per-row SQL CASE costs more than parsing the CSV; the SQL form
 * (column-plan's `cleanedText`) is kept for profiling and strict casts, and the two must agree.
 */

/** How raw CSV strings become values. */
export interface StringCleaning {
  readonly trim: boolean;
  /** Strings (compared after trimming) that mean missing; blank strings always do. */
  readonly nulls: ReadonlySet<string>;
}

/** Characters DuckDB's `trim()` removes: the Unicode category Zs (measured against DuckDB 1.5). */
const SPACE = /^[\u0020\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+|[\u0020\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+$/g;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x202f || code === 0x205f || code === 0x3000;
}

/** `s` without leading/trailing Unicode space separators, as DuckDB's `trim(s)`. */
export function duckDbTrim(s: string): string {
  if (s.length === 0 || (!isSpace(s.charCodeAt(0)) && !isSpace(s.charCodeAt(s.length - 1)))) return s;
  return s.replace(SPACE, '');
}

/** The value a raw CSV string stands for: null when blank or a null string, else (trimmed) text. */
export function cleanString(raw: string, cleaning: StringCleaning): string | null {
  const t = duckDbTrim(raw);
  if (t.length === 0 || cleaning.nulls.has(t)) return null;
  return cleaning.trim ? t : raw;
}
