/**
 * Validate or suggest from a file by streaming it through the readers: the glue between the
 * data readers, the validation engine and quarantine that the CLI and HTTP API share.
 */
import type { Frame } from '../../core/frame.js';
import { readFrame, readFrameChunks } from '../io/read-frame.js';
import type { ReadOptions } from '../io/read-options.js';
import { quarantineFrames } from '../validation/quarantine.js';
import { suggestSuite } from '../validation/suggest-suite.js';
import { loadSuite, parseSuite } from '../validation/suite.js';
import type { Suite } from '../validation/suite.js';
import { validateFrames } from '../validation/validate-frames.js';
import type { ValidationResult } from '../validation/validate-frames.js';

/** A reference source for distribution expectations. */
export interface ReferenceSource {
  readonly path: string;
  readonly readOptions: ReadOptions;
}

/** Options of `validateSource`. */
export interface ValidateSourceOptions {
  readonly reference?: ReferenceSource;
  readonly quarantine?: { readonly dir: string; readonly format: 'csv' | 'parquet' };
  readonly onProgress?: (rows: number) => void;
}

/** Validate the file at `path` against a suite (a path to a suite file, or the parsed JSON). */
export async function validateSource(path: string, readOptions: ReadOptions, suiteInput: string | unknown, opts: ValidateSourceOptions = {}): Promise<ValidationResult> {
  const suite = await toSuite(suiteInput);
  const reference = opts.reference ? await readFrame(opts.reference.path, opts.reference.readOptions) : undefined;
  const chunks = counting(readFrameChunks(path, readOptions), opts.onProgress);
  if (opts.quarantine) {
    const q = await quarantineFrames(chunks, suite, opts.quarantine.dir, { format: opts.quarantine.format, ...(reference ? { reference } : {}) });
    return q.validation;
  }
  return validateFrames(chunks, suite, reference ? { reference } : {});
}

/** Validate in-memory frames (API payloads) against suite JSON. */
export async function validateFramesWithSuite(frames: readonly Frame[], suiteJson: unknown, opts: { reference?: ReferenceSource } = {}): Promise<ValidationResult> {
  const suite = parseSuite(suiteJson, 'suite');
  const reference = opts.reference ? await readFrame(opts.reference.path, opts.reference.readOptions) : undefined;
  return validateFrames(frames, suite, reference ? { reference } : {});
}

/** Infer a suite from the file at `path`. */
export function suggestSource(path: string, readOptions: ReadOptions, opts: { name: string }): Promise<Suite> {
  return suggestSuite(readFrameChunks(path, readOptions), { name: opts.name });
}

async function toSuite(input: string | unknown): Promise<Suite> {
  return typeof input === 'string' ? loadSuite(input) : parseSuite(input, 'suite');
}

async function* counting(chunks: AsyncIterable<Frame>, onProgress?: (rows: number) => void): AsyncGenerator<Frame> {
  let rows = 0;
  for await (const chunk of chunks) {
    rows += chunk.rowCount;
    onProgress?.(rows);
    yield chunk;
  }
}
