/**
 * `InteropError`: the one error type of model import/export. It is an `InputError` (CLI exit 2, HTTP
 * 400) with a stable `reason`, so callers and tests can tell an unsupported objective from a truncated
 * file without parsing the message.
 */
import { InputError } from '../../core/errors.js';
import type { ErrorDetails } from '../../core/errors.js';

/** Why an import or export was refused. */
export type InteropErrorReason =
  | 'unknown_format'
  | 'malformed_model'
  | 'unsupported_objective'
  | 'unsupported_feature'
  | 'unsupported_step'
  | 'unsupported_op'
  | 'dynamic_shape'
  | 'column_mapping';

/** A model file or bundle that cannot be imported, exported or scored as asked. */
export class InteropError extends InputError {
  readonly reason: InteropErrorReason;

  constructor(reason: InteropErrorReason, message: string, details: ErrorDetails = {}, hint?: string, options?: { cause?: unknown }) {
    super(message, { reason, ...details }, hint, options);
    this.name = 'InteropError';
    this.reason = reason;
  }
}

/** Deepest tree an import or export walks (recursively); deeper files are refused rather than overflowing the stack. */
export const MAX_TREE_DEPTH = 4000;

/** Run a recursive tree walk, turning a stack overflow into an InteropError. */
export function withDepthGuard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw new InteropError('unsupported_feature', `${what}: a tree is too deep to walk (more than about ${MAX_TREE_DEPTH} levels)`, { field: 'trees' }, undefined, { cause: err });
    throw err;
  }
}
