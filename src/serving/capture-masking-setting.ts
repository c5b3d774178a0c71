/**
 * An endpoint's capture masking setting (`settings.captureMasking`): a masking-policy document in the same
 * format as `kiln data register --mask` (`{"version": 1, "rules": [{"column", "action", "keep"?}]}`). The
 * store keeps it as opaque JSON (it may not import security), so the endpoint service checks it here before
 * it is stored, and the capture pipeline parses it again when it loads endpoint settings.
 */
import { InputError, KilnError } from '../core/errors.js';
import { parseMaskingPolicy } from '../security/pii/masking-policy.js';
import type { MaskingPolicy } from '../security/pii/masking-policy.js';
import type { CaptureMaskingDocument, EndpointRecord } from '../store/endpoint-repository.js';

/** Most rules one capture masking policy may have (a policy names input columns; signatures are smaller). */
export const MAX_CAPTURE_MASKING_RULES = 1000;

/**
 * The checked document for `settings.captureMasking`: `undefined` stays unset, `null` clears it, anything
 * else must parse as a masking policy (InputError naming `settings.captureMasking.<path>` otherwise).
 */
export function checkCaptureMasking(doc: unknown): CaptureMaskingDocument | null | undefined {
  if (doc === undefined || doc === null) return doc;
  const rules = (doc as { rules?: unknown }).rules;
  if (Array.isArray(rules) && rules.length > MAX_CAPTURE_MASKING_RULES) {
    throw new InputError(`settings.captureMasking.rules: at most ${MAX_CAPTURE_MASKING_RULES} rules (got ${rules.length})`, { field: 'settings.captureMasking.rules' });
  }
  let policy: MaskingPolicy;
  try {
    policy = parseMaskingPolicy(doc);
  } catch (err) {
    if (!(err instanceof KilnError)) throw err;
    const inner = typeof err.details.field === 'string' && err.details.field !== '' ? `.${err.details.field}` : '';
    throw new InputError(`settings.captureMasking${inner}: ${err.message.replace(/^masking policy: /, '')}`, { field: `settings.captureMasking${inner}` }, 'A capture masking policy is {"version": 1, "rules": [{"column": "email", "action": "drop|redact|hash|partial", "keep": 4}]}; see docs/security.md.');
  }
  const seen = new Set<string>();
  policy.rules.forEach((r, i) => {
    if (seen.has(r.column)) throw new InputError(`settings.captureMasking.rules.${i}.column: column "${r.column.slice(0, 100)}" has two rules`, { field: `settings.captureMasking.rules.${i}.column` }, 'Give each column one rule.');
    seen.add(r.column);
  });
  return policy;
}

/** The masking policy capture applies to an endpoint's inputs, or null (a stored document that no longer parses is reported and treated as "drop every named column"). */
export function captureMaskingOf(endpoint: Pick<EndpointRecord, 'settings'>, onError?: (err: unknown) => void): MaskingPolicy | null {
  const doc = endpoint.settings.captureMasking;
  if (!doc) return null;
  try {
    return parseMaskingPolicy(doc);
  } catch (err) {
    onError?.(err);
    // Fail closed: a damaged policy must not let raw values through; drop every column it names.
    const columns = Array.isArray(doc.rules) ? doc.rules.map((r) => (typeof r?.column === 'string' ? r.column : '')).filter((c) => c !== '') : [];
    return { version: 1, rules: columns.map((column) => ({ column, action: 'drop' as const })) };
  }
}
