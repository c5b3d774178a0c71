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
