/**
 * A Kiln error with an explicit HTTP status, for conditions only HTTP has (413, 414, 415, 405, 431):
 * the body keeps Kiln's shape and code, the status says what HTTP says.
 */
import { KilnError } from '../core/errors.js';
import type { ErrorCode, ErrorDetails } from '../core/errors.js';

/** A KilnError answered with `status` instead of the code's default status. */
export class HttpStatusError extends KilnError {
  constructor(
    readonly status: number,
    code: Exclude<ErrorCode, 'internal'>,
    message: string,
    details: ErrorDetails = {},
    hint?: string,
  ) {
    super(code, message, details, hint);
  }
}
