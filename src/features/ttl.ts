/** TTL strings of feature views: `30d`, `12h`, `15m`, `90s`, `2w`, or `0`/`none` for "never expires". */
import { InputError } from '../core/errors.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parse a TTL into seconds (null: no expiry); `path` names the field in the error. */
export function parseTtl(value: unknown, path: string): number | null {
  if (value === undefined || value === null || value === 'none' || value === 0 || value === '0') return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  const m = typeof value === 'string' ? /^(\d{1,9})\s*([smhdw])$/.exec(value.trim()) : null;
  if (!m) throw new InputError(`${path} must be a duration like 30d, 12h, 15m, 90s or 2w, got ${JSON.stringify(value)}`, { field: path }, 'Write the TTL as a whole number followed by s, m, h, d or w.');
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]];
  if (seconds === 0) return null;
  return seconds;
}

/** The TTL back as the shortest exact string (`2592000` -> `30d`). */
export function formatTtl(seconds: number | null): string {
  if (seconds === null) return 'none';
  for (const [unit, size] of [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
