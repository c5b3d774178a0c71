/**
 * Masking policies: per column, what happens to personal data before it is stored — `drop` the column,
 * `redact` every value, `hash` it (HMAC-SHA256 with a salt: equal inputs give equal outputs, so the column
 * still joins, but the input cannot be read back), or `partial` (keep the last N characters: `****1234`).
 * Applied to frames at registration, to capture rows, and to log records.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import type { Column, TextColumn , Frame} from '../../core/frame.js';
import { cellValue, isMissing } from '../../core/frame.js';

/** Schema of one column rule. */
export const maskingRuleSchema = z.strictObject({
  column: z.string().min(1),
  action: z.enum(['drop', 'redact', 'hash', 'partial']),
  /** `partial`: characters kept at the end (default 4). */
  keep: z.number().int().min(0).max(16).optional(),
});

/** Schema of a policy document (`kiln data register --mask POLICY.json`). */
export const maskingPolicySchema = z.strictObject({ version: z.literal(1), rules: z.array(maskingRuleSchema) });

/** A masking policy. */
export type MaskingPolicy = z.output<typeof maskingPolicySchema>;
/** One column rule. */
export type MaskingRule = z.output<typeof maskingRuleSchema>;

/** Parse and check a policy document. */
export function parseMaskingPolicy(doc: unknown): MaskingPolicy {
  const r = maskingPolicySchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(`masking policy: ${issue.path.join('.') || '(root)'}: ${issue.message}`, { field: issue.path.join('.') });
  }
  return r.data;
}

/** Mask one string value by a rule (not `drop`). */
export function maskValue(value: string, rule: MaskingRule, salt: string): string {
  switch (rule.action) {
    case 'redact':
      return '[redacted]';
    case 'hash':
      return createHmac('sha256', salt).update(value).digest('hex');
    case 'partial': {
      const keep = Math.min(rule.keep ?? 4, Math.floor(value.length / 2));
      return '*'.repeat(Math.max(4, value.length - keep)) + value.slice(value.length - keep);
    }
    case 'drop':
      return '';
  }
}

function maskColumn(col: Column, n: number, rule: MaskingRule, salt: string): TextColumn {
  const values: (string | null)[] = new Array<string | null>(n);
  for (let i = 0; i < n; i++) values[i] = isMissing(col, i) ? null : maskValue(String(cellValue(col, i)), rule, salt);
  return { name: col.name, type: 'text', values };
}

/** Apply a policy to a frame: dropped columns disappear, masked ones become text. Unknown columns are an error. */
export function maskFrame(frame: Frame, policy: MaskingPolicy, salt: string): Frame {
  for (const r of policy.rules) {
    if (!frame.has(r.column)) throw new InputError(`masking policy names column "${r.column}", which the data does not have`, { column: r.column }, `Columns: ${frame.names.slice(0, 20).join(', ')}`);
  }
  let out = frame;
  for (const r of policy.rules) {
    out = r.action === 'drop' ? out.drop([r.column]) : out.withColumn(maskColumn(out.column(r.column), out.rowCount, r, salt));
  }
  return out;
}

/** Mask a record (capture rows, log lines) by the same policy. */
export function maskRecord(record: Record<string, unknown>, policy: MaskingPolicy, salt: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const r of policy.rules) {
    if (!(r.column in out)) continue;
    if (r.action === 'drop') delete out[r.column];
    else if (out[r.column] !== null && out[r.column] !== undefined) out[r.column] = maskValue(String(out[r.column] as string | number | boolean), r, salt);
  }
  return out;
}
