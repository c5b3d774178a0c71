/**
 * Named string formats for `column_values_match_format` and suite suggestion: fixed, linear-time
 * patterns (no user regex involved).
 */
import { parseIsoTimestamp } from '../../core/frame-builder.js';

/** The supported named formats. */
export const NAMED_FORMATS = ['email', 'url', 'iso_date', 'uuid'] as const;

/** One of the named formats. */
export type NamedFormat = (typeof NAMED_FORMATS)[number];

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function isUrl(s: string): boolean {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/\S+$/.test(s)) return false;
  try {
    const u = new URL(s);
    return u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** A predicate testing one string against a named format. */
export function formatPredicate(format: NamedFormat): (s: string) => boolean {
  switch (format) {
    case 'email':
      return (s) => s.length <= 254 && EMAIL.test(s);
    case 'uuid':
      return (s) => UUID.test(s);
    case 'url':
      return isUrl;
    case 'iso_date':
      return (s) => !Number.isNaN(parseIsoTimestamp(s));
  }
}
