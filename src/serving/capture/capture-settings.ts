/**
 * Per-endpoint capture settings: the sampling rate and the PII masking policy applied to inputs before
 * anything is written. The inference server resolves them from the endpoint's spec (once per endpoint
 * version, not per request) and hands the buffer a lookup function.
 */
import { UsageError } from '../../core/errors.js';
import type { MaskingPolicy } from '../../security/pii/masking-policy.js';
import { parseMaskingPolicy } from '../../security/pii/masking-policy.js';

/** What to capture for one endpoint. */
export interface EndpointCaptureSettings {
  /** Share of predictions captured, 0..1 (decided per prediction id, deterministically). */
  readonly sampleRate: number;
  /** Masking applied to input columns before a segment is written. */
  readonly masking?: MaskingPolicy | null;
  /** Store TreeSHAP attributions with each captured row (computed at flush, never per request). */
  readonly attributions?: boolean;
}

/** Settings lookup by (project, endpoint); `undefined` = the buffer's defaults. */
export type CaptureSettingsLookup = (project: string, endpoint: string) => EndpointCaptureSettings | undefined;

/** Check a settings document (an endpoint spec's `capture` block) and return it frozen. */
export function parseCaptureSettings(doc: unknown): EndpointCaptureSettings {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError('capture settings must be an object { sampleRate, masking?, attributions? }', { field: 'capture' });
  const { sampleRate, masking, attributions, ...rest } = doc as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new UsageError(`capture settings: unknown field "${extra}"`, { field: `capture.${extra}` });
  if (typeof sampleRate !== 'number' || !(sampleRate >= 0 && sampleRate <= 1)) throw new UsageError('capture.sampleRate must be a number from 0 to 1', { field: 'capture.sampleRate' });
  if (attributions !== undefined && typeof attributions !== 'boolean') throw new UsageError('capture.attributions must be true or false', { field: 'capture.attributions' });
  return Object.freeze({ sampleRate, masking: masking === undefined || masking === null ? null : parseMaskingPolicy(masking), attributions: attributions === true });
}
