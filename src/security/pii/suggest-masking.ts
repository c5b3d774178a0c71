/**
 * A masking policy suggested from detected PII: joinable identifiers are hashed (email, person name),
 * numbers people recognise by their tail keep it (card, IBAN, phone), the rest is redacted. A suggestion to
 * review, never applied without the user passing it to `kiln data register --mask`.
 */
import type { ColumnPii } from './detect-pii.js';
import type { MaskingPolicy, MaskingRule } from './masking-policy.js';
import type { PiiKind } from './pii-detectors.js';

const RULE_FOR: Readonly<Record<PiiKind, Omit<MaskingRule, 'column'>>> = {
  email: { action: 'hash' },
  person_name: { action: 'hash' },
  payment_card: { action: 'partial', keep: 4 },
  iban: { action: 'partial', keep: 4 },
  phone: { action: 'partial', keep: 2 },
  ip_address: { action: 'redact' },
  national_id: { action: 'redact' },
};

/** One rule per detected column. */
export function suggestMaskingPolicy(pii: readonly ColumnPii[]): MaskingPolicy {
  return { version: 1, rules: pii.map((p) => ({ column: p.column, ...RULE_FOR[p.kind] })) };
}
