/**
 * Checks of endpoint names, variants and settings, shared by every adapter and by the serving service so
 * that a bad spec is refused the same way whichever door it came through (UsageError naming the field).
 */
import { UsageError } from '../core/errors.js';
import { checkCircuitBreaker } from './endpoint-circuit-breaker.js';
import type { EndpointSettings, EndpointVariant } from './endpoint-repository.js';

/** Endpoint and variant names: they appear in URLs, metric labels and file names. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Longest model reference (a bundle path may be long, but not unbounded). */
export const MAX_MODEL_REFERENCE = 1024;
/** Most variants an endpoint may have. */
export const MAX_VARIANTS = 16;
/** Largest adaptive batch and longest batching wait. */
export const MAX_BATCH_SIZE = 4096;
export const MAX_BATCH_WAIT_MS = 1000;

/** Whether `s` is a valid endpoint or variant name. */
export function isEndpointName(s: unknown): s is string {
  return typeof s === 'string' && NAME.test(s);
}

/** The name, or a UsageError naming `field`. */
export function checkEndpointName(name: unknown, field = 'name'): string {
  if (!isEndpointName(name)) {
    throw new UsageError(`${field} must be 1-63 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit (got ${JSON.stringify(name)?.slice(0, 80)})`, { field });
  }
  return name;
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}

/**
 * Variants: 1..16, unique names, a model reference each, finite weights >= 0 with at least one above 0.
 * A weight of 0 keeps a variant loaded without traffic (a rollout's standby or shadow candidate).
 */
export function checkVariants(variants: unknown): EndpointVariant[] {
  if (!Array.isArray(variants) || variants.length === 0 || variants.length > MAX_VARIANTS) {
    throw new UsageError(`an endpoint needs 1 to ${MAX_VARIANTS} variants`, { field: 'variants' });
  }
  const seen = new Set<string>();
  const checked = variants.map((v: unknown, i): EndpointVariant => {
    const o = (v ?? {}) as Partial<EndpointVariant>;
    const name = checkEndpointName(o.name, `variants[${i}].name`);
    if (seen.has(name)) throw new UsageError(`variant name "${name}" is used twice`, { field: `variants[${i}].name` });
    seen.add(name);
    if (typeof o.model !== 'string' || o.model.trim() === '' || o.model.length > MAX_MODEL_REFERENCE || hasControl(o.model)) {
      throw new UsageError(`variants[${i}].model must be a model reference of 1 to ${MAX_MODEL_REFERENCE} characters`, { field: `variants[${i}].model` });
    }
    if (typeof o.weight !== 'number' || !Number.isFinite(o.weight) || o.weight < 0 || o.weight > 1e6) {
      throw new UsageError(`variants[${i}].weight must be a number from 0 to 1e6`, { field: `variants[${i}].weight` });
    }
    return { name, model: o.model, weight: o.weight };
  });
  if (!checked.some((v) => v.weight > 0)) throw new UsageError('at least one variant needs a weight above 0 to take traffic', { field: 'variants[0].weight' });
  return checked;
}

/** Settings: the unseen-categories policy, batching (null = off), a capture rate in 0..1, an optional capture masking document (null clears it) and capture attributions (on or off). */
export function checkSettings(settings: unknown): EndpointSettings {
  const o = (settings ?? {}) as Partial<EndpointSettings>;
  if (o.unseenCategories !== 'missing' && o.unseenCategories !== 'reject') {
    throw new UsageError('settings.unseenCategories must be "missing" or "reject"', { field: 'settings.unseenCategories' });
  }
  let batching: EndpointSettings['batching'] = null;
  if (o.batching !== null && o.batching !== undefined) {
    const b = o.batching;
    if (typeof b !== 'object' || !Number.isInteger(b.maxBatchSize) || b.maxBatchSize < 1 || b.maxBatchSize > MAX_BATCH_SIZE) {
      throw new UsageError(`settings.batching.maxBatchSize must be a whole number from 1 to ${MAX_BATCH_SIZE}`, { field: 'settings.batching.maxBatchSize' });
    }
    if (typeof b.maxWaitMs !== 'number' || !Number.isFinite(b.maxWaitMs) || b.maxWaitMs < 0 || b.maxWaitMs > MAX_BATCH_WAIT_MS) {
      throw new UsageError(`settings.batching.maxWaitMs must be from 0 to ${MAX_BATCH_WAIT_MS}`, { field: 'settings.batching.maxWaitMs' });
    }
    batching = { maxBatchSize: b.maxBatchSize, maxWaitMs: b.maxWaitMs };
  }
  const rate = o.captureSampleRate;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new UsageError('settings.captureSampleRate must be a number from 0 to 1', { field: 'settings.captureSampleRate' });
  }
  const breaker = o.circuitBreaker === undefined || o.circuitBreaker === null ? {} : { circuitBreaker: checkCircuitBreaker(o.circuitBreaker) };
  const masking: unknown = o.captureMasking;
  if (masking !== undefined && masking !== null && (typeof masking !== 'object' || Array.isArray(masking) || !Array.isArray((masking as { rules?: unknown }).rules))) {
    throw new UsageError('settings.captureMasking must be a masking-policy document ({"version": 1, "rules": [...]}) or null', { field: 'settings.captureMasking' });
  }
  const captureMasking = masking === undefined || masking === null ? undefined : (masking as EndpointSettings['captureMasking']);
  const attributions: unknown = o.captureAttributions;
  if (attributions !== undefined && attributions !== null && typeof attributions !== 'boolean') throw new UsageError('settings.captureAttributions must be true or false', { field: 'settings.captureAttributions' });
  const service: unknown = o.featureService;
  if (service !== undefined && service !== null && (typeof service !== 'string' || !/^[A-Za-z0-9_]{1,200}$/.test(service))) {
    throw new UsageError('settings.featureService must be a feature service name (letters, digits, _) or null', { field: 'settings.featureService' }, 'See `kiln features list` for the services.');
  }
  const featureService = typeof service === 'string' ? service : undefined;
  // Attributions are stored only when on, so endpoints that never used them keep their documents unchanged.
  return { unseenCategories: o.unseenCategories, batching, captureSampleRate: rate, ...breaker, ...(captureMasking ? { captureMasking } : {}), ...(attributions === true ? { captureAttributions: true } : {}), ...(featureService ? { featureService } : {}) };
}
