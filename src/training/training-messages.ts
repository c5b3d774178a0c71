/**
 * The messages between a training worker and the thread that started it, and how a KilnError crosses
 * the boundary (structured clone keeps only plain data, so the class is rebuilt from its code).
 */
import { ConflictError, InputError, InternalError, KilnError, NotFoundError, UsageError } from '../core/errors.js';
import type { ErrorCode, ErrorDetails } from '../core/errors.js';
import type { TrainOptions, TrainResult } from '../ml/train/train-model.js';
import type { FramePayload } from './frame-payload.js';

/** What the worker receives. */
export interface TrainingWorkerData {
  readonly frame: FramePayload;
  readonly options: Omit<TrainOptions, 'onIteration' | 'onStage'>;
}

/** An error as plain data. */
export interface SerializedError {
  readonly code: ErrorCode | undefined;
  readonly message: string;
  readonly details: ErrorDetails;
  readonly hint: string | undefined;
  readonly stack: string | undefined;
}

/** Worker -> caller. */
export type TrainingWorkerMessage =
  | { readonly type: 'iteration'; readonly iteration: number; readonly metrics: Record<string, number> }
  | { readonly type: 'stage'; readonly stage: string }
  | { readonly type: 'done'; readonly result: TrainResult }
  | { readonly type: 'error'; readonly error: SerializedError };

/** Flatten an error for postMessage. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof KilnError) return { code: err.code, message: err.message, details: err.details, hint: err.hint, stack: err.stack };
  const e = err instanceof Error ? err : new Error(String(err));
  return { code: undefined, message: e.message, details: {}, hint: undefined, stack: e.stack };
}

/** Rebuild the KilnError subclass of a serialized error (anything else becomes an InternalError). */
export function deserializeError(s: SerializedError): KilnError {
  switch (s.code) {
    case 'usage':
      return new UsageError(s.message, s.details, s.hint);
    case 'input':
      return new InputError(s.message, s.details, s.hint);
    case 'not_found':
      return new NotFoundError(s.message, s.details, s.hint);
    case 'conflict':
      return new ConflictError(s.message, s.details, s.hint);
    default: {
      const err = new InternalError(s.message, s.details);
      if (s.stack) err.stack = s.stack;
      return err;
    }
  }
}
