/**
 * PII detectors: one predicate per kind of personal data, checked on string values (linear-time, no
 * backtracking regexes), plus header hints for columns whose values alone say little (person names).
 */
import { isIP } from 'node:net';

/** Kinds of personal data Kiln detects. */
export const PII_KINDS = ['email', 'phone', 'payment_card', 'iban', 'ip_address', 'national_id', 'person_name'] as const;
/** A kind of personal data. */
export type PiiKind = (typeof PII_KINDS)[number];

const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}$/;
const PHONE_CHARS = /^\+?[0-9 ().-]{7,22}$/;
const US_SSN = /^(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}$/;
const UK_NINO = /^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]$/;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/;

/** Luhn checksum over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97 check of an IBAN without spaces. */
export function ibanValid(iban: string): boolean {
  if (!IBAN.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    const v = c >= 65 ? c - 55 : c - 48;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

function digitsOnly(s: string): string {
  let d = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) d += s[i];
  }
  return d;
}

/** Whether a value looks like a payment card number: 13-19 digits (spaces/dashes allowed), known prefix, Luhn. */
export function isPaymentCard(v: string): boolean {
  if (!/^[0-9][0-9 -]{11,22}[0-9]$/.test(v)) return false;
  const d = digitsOnly(v);
  if (d.length < 13 || d.length > 19) return false;
  return /^(4|5[1-5]|2[2-7]|3[47]|6(011|5)|35)/.test(d) && luhnValid(d);
}

/** Whether a value looks like a phone number: 7-15 digits with phone punctuation, not a date or a plain amount. */
export function isPhone(v: string): boolean {
  if (!PHONE_CHARS.test(v) || DATE_LIKE.test(v) || isIP(v) !== 0) return false;
  const d = digitsOnly(v);
  if (d.length < 7 || d.length > 15) return false;
  // A bare digit run is an id or an amount unless it is long enough to be a full national number.
  return v.startsWith('+') || /[ ().-]/.test(v) || d.length >= 10;
}

/**
 * The value-level detectors (person names are detected from headers), most specific first: when two match
 * equally often (an SSN is also phone-shaped), the earlier kind wins.
 */
export const VALUE_DETECTORS: Readonly<Record<Exclude<PiiKind, 'person_name'>, (v: string) => boolean>> = {
  payment_card: isPaymentCard,
  iban: (v) => ibanValid(v.replace(/ /g, '').toUpperCase()),
  national_id: (v) => US_SSN.test(v) || UK_NINO.test(v.toUpperCase()),
  ip_address: (v) => v.length <= 45 && isIP(v) !== 0,
  email: (v) => EMAIL.test(v),
  phone: isPhone,
};

const HEADER_HINTS: readonly [RegExp, PiiKind][] = [
  [/^(first|last|middle|given|family|full|sur|maiden)[ _-]?name$|^(customer|client|patient|employee|contact|person|holder|account[ _-]?holder)[ _-]?name$|^name$|^surname$/i, 'person_name'],
  [/e-?mail/i, 'email'],
  [/phone|mobile|^tel$|telephone|fax/i, 'phone'],
  [/card[ _-]?(number|no|num)|^pan$|credit[ _-]?card/i, 'payment_card'],
  [/iban/i, 'iban'],
  [/^ip$|ip[ _-]?addr|client[ _-]?ip|remote[ _-]?addr/i, 'ip_address'],
  [/ssn|social[ _-]?security|national[ _-]?id|nino|passport|tax[ _-]?id/i, 'national_id'],
];

/** The kind a column header suggests, if any. */
export function headerHint(column: string): PiiKind | null {
  for (const [re, kind] of HEADER_HINTS) if (re.test(column)) return kind;
  return null;
}
