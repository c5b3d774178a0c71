/**
 * The circuit-breaker setting of an endpoint (`settings.circuitBreaker`): variants traffic must not go
 * to, and what to answer when none is left. Set by the alerts' circuit-breaker action (or by hand with
 * `kiln endpoints update`); inference servers honour it on their next routing refresh
 * (`serving/circuit-breaker-routing.ts`): a request whose weighted pick is an open variant goes to another
 * variant, or gets `defaultAnswer` for every instance, and its response carries `fallback: true`.
 */
import { UsageError } from '../core/errors.js';

/** The name of the variant a circuit breaker adds to serve the previous version when nothing else is left. */
export const CIRCUIT_FALLBACK_VARIANT = 'fallback';

/** An open circuit on some of an endpoint's variants. */
export interface EndpointCircuitBreaker {
  /** Variants not routed to. */
  open: string[];
  /** The prediction given for every instance when every variant is open (null: answer 503). */
  defaultAnswer: string | number | null;
  /** Why it opened (an alert id and condition, or an operator's note). */
  reason: string;
  openedAt: string;
  /**
   * A variant the breaker added to serve the previous version (its answers are fallbacks while the
   * circuit is open); closing the circuit removes it again. Null when none was added.
   */
  addedVariant?: string | null;
}

/** A checked circuit-breaker setting, or a UsageError naming the field. */
export function checkCircuitBreaker(value: unknown): EndpointCircuitBreaker {
  const field = 'settings.circuitBreaker';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${field} must be an object {open, defaultAnswer, reason, openedAt} or null`, { field });
  const o = value as Partial<EndpointCircuitBreaker>;
  if (!Array.isArray(o.open) || o.open.length > 16 || o.open.some((v) => typeof v !== 'string' || v.length === 0 || v.length > 63)) {
    throw new UsageError(`${field}.open must be a list of variant names`, { field: `${field}.open` });
  }
  const answer = o.defaultAnswer ?? null;
  if (answer !== null && !(typeof answer === 'string' && answer.length <= 1000) && !(typeof answer === 'number' && Number.isFinite(answer))) {
    throw new UsageError(`${field}.defaultAnswer must be a finite number, a string of at most 1000 characters, or null`, { field: `${field}.defaultAnswer` });
  }
  const reason = typeof o.reason === 'string' ? o.reason.slice(0, 500) : '';
  const openedAt = typeof o.openedAt === 'string' && !Number.isNaN(Date.parse(o.openedAt)) ? o.openedAt : new Date().toISOString();
  const added = o.addedVariant ?? null;
  if (added !== null && (typeof added !== 'string' || added.length === 0 || added.length > 63)) throw new UsageError(`${field}.addedVariant must be a variant name or null`, { field: `${field}.addedVariant` });
  return { open: [...new Set(o.open)], defaultAnswer: answer, reason, openedAt, addedVariant: added };
}
