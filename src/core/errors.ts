/**
 * One error taxonomy for all of Kiln. Every failure a user can cause is a `KilnError` with a stable
 * `code`; the CLI maps codes to exit statuses and the HTTP server to statuses in exactly one place each
 * (see `exitCodeFor` and `httpStatusFor`).
 */

/** Stable error codes; part of the public API (CLI `--json` errors and HTTP bodies carry them). */
export type ErrorCode = 'usage' | 'input' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'internal';

/** Structured context that points the user at the offending place. */
export interface ErrorDetails {
  file?: string;
  row?: number;
  column?: string;
  field?: string;
  [key: string]: unknown;
}

/** Base class of every error Kiln raises on purpose. */
export class KilnError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** What the user can do about it, shown after the message. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
    this.hint = hint;
  }

  /** The wire shape used by `--json` output and HTTP error bodies. */
  toJSON(): { error: { code: ErrorCode; message: string; hint?: string; details: ErrorDetails } } {
    return { error: { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}), details: this.details } };
  }
}

/** Bad command-line usage or API call shape (unknown flag, missing argument, invalid parameter). */
export class UsageError extends KilnError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super('usage', message, details, hint);
  }
}

/** The data or document the user supplied is malformed, empty, or does not fit what was declared. */
export class InputError extends KilnError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string, options?: { cause?: unknown }) {
    super('input', message, details, hint, options);
  }
}

/** No valid credentials came with a request that needs them (HTTP 401). */
export class UnauthenticatedError extends KilnError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super('unauthenticated', message, details, hint);
  }
}

/** The caller is known but lacks the permission an action needs; `details.permission` names it (HTTP 403). */
export class ForbiddenError extends KilnError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super('forbidden', message, details, hint);
  }
}

/** A named thing (dataset, version, file, model) does not exist. */
export class NotFoundError extends KilnError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super('not_found', message, details, hint);
  }
}

/** The request conflicts with existing state (duplicate name, immutable version). */
export class ConflictError extends KilnError {
  constructor(message: string, details: ErrorDetails = {}, hint?: string) {
    super('conflict', message, details, hint);
  }
}

/** A bug or an environment failure inside Kiln; never used for bad user input. */
export class InternalError extends KilnError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('internal', message, details, undefined, options);
  }
}

/** CLI exit status for an error: 2 for anything the user can fix, 3 for internal failures. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof KilnError) return err.code === 'internal' ? 3 : 2;
  return 3;
}

/** HTTP status for an error; bad input is always a 4xx. */
export function httpStatusFor(err: unknown): number {
  if (!(err instanceof KilnError)) return 500;
  switch (err.code) {
    case 'usage':
    case 'input':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'internal':
      return 500;
  }
}

/** Wrap any thrown value as a KilnError (unknown errors become internal). */
export function asKilnError(err: unknown): KilnError {
  if (err instanceof KilnError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new InternalError(message, {}, { cause: err });
}
