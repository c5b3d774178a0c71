/**
 * Quarantine: validate a dataset and split it into `dir/clean.<ext>` and `dir/failing.<ext>`. Every
 * input row lands in exactly one file. Failing rows (those breaking a row-level expectation of error
 * severity, or of any severity with `failOn: 'any'`) carry an extra `_kiln_errors` text column: the
 * broken row-level expectations as `;`-joined `<id>:<type>` entries; an input that already has a
 * column of that name is refused rather than overwritten. Both files are always written (possibly
 * with zero rows) and published together: each is finished under a hidden temp name and both are
 * renamed into place only when both are complete, so a failure or a signal leaves neither.
 */
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { Frame } from '../../core/frame.js';
import type { TextColumn } from '../../core/frame.js';
import { createFrameWriter } from '../io/write-frame.js';
import type { FrameWriter, WriteFormat } from '../io/write-frame.js';
import { removeTempPath, tempSibling, trackTempPath } from '../io/temp-space.js';
import { expectationId } from './suite.js';
import type { Suite } from './suite.js';
import { validateFrames } from './validate-frames.js';
import type { ValidateOptions, ValidationResult } from './validate-frames.js';

/** Name of the column listing a failing row's broken expectations. */
export const ERRORS_COLUMN = '_kiln_errors';

/** Options of `quarantineFrames`. */
export interface QuarantineOptions extends Omit<ValidateOptions, 'onFailingRows' | 'onCleanRows'> {
  /** Output format (default csv). */
  readonly format?: WriteFormat;
}

/** What quarantine wrote, with the validation result. */
export interface QuarantineResult {
  readonly validation: ValidationResult;
  readonly cleanPath: string;
  readonly failingPath: string;
  readonly cleanRows: number;
  readonly failingRows: number;
}

/** Validate `chunks` against `suite`, writing clean and failing rows to `dir`. */
export async function quarantineFrames(chunks: AsyncIterable<Frame> | Iterable<Frame>, suite: Suite, dir: string, opts: QuarantineOptions = {}): Promise<QuarantineResult> {
  const format = opts.format ?? 'csv';
  await mkdir(dir, { recursive: true });
  const cleanPath = join(dir, `clean.${format}`);
  const failingPath = join(dir, `failing.${format}`);
  const cleanTmp = tempSibling(cleanPath);
  const failingTmp = tempSibling(failingPath);
  const untrack = [trackTempPath(cleanTmp), trackTempPath(failingTmp)];
  const typeById = new Map(suite.expectations.map((e, i) => [expectationId(e, i), e.type]));
  let clean: FrameWriter | null = null;
  let failing: FrameWriter | null = null;
  let template: Frame | null = null;
  let cleanRows = 0;
  let failingRows = 0;

  const withErrors = (frame: Frame, rowErrors: string[][]): Frame => {
    const values = rowErrors.map((ids) => ids.map((id) => `${id}:${typeById.get(id) ?? ''}`).join(';'));
    const col: TextColumn = { name: ERRORS_COLUMN, type: 'text', values };
    return frame.withColumn(col);
  };

  try {
    const validation = await validateFrames(
      (async function* () {
        for await (const frame of chunks) {
          if (!template && frame.tryColumn(ERRORS_COLUMN)) {
            throw new InputError(
              `the input already has a column named "${ERRORS_COLUMN}", which quarantine adds to failing rows`,
              { column: ERRORS_COLUMN },
              `Rename or drop the "${ERRORS_COLUMN}" column before validating with --quarantine.`,
            );
          }
          template ??= frame.slice(0, 0);
          yield frame;
        }
      })(),
      suite,
      {
        ...opts,
        async onFailingRows(frame, rowErrors) {
          failing ??= await createFrameWriter(failingTmp, { format });
          await failing.write(withErrors(frame, rowErrors));
          failingRows += frame.rowCount;
        },
        async onCleanRows(frame) {
          clean ??= await createFrameWriter(cleanTmp, { format });
          await clean.write(frame);
          cleanRows += frame.rowCount;
        },
      },
    );
    // Always publish both files so consumers can rely on them; an empty one keeps the columns.
    const empty: Frame = template ?? new Frame([], 0);
    clean ??= await createFrameWriter(cleanTmp, { format });
    if (cleanRows === 0) await clean.write(empty);
    failing ??= await createFrameWriter(failingTmp, { format });
    if (failingRows === 0) await failing.write(withErrors(empty, []));
    await clean.close();
    await failing.close();
    await rename(cleanTmp, cleanPath);
    try {
      await rename(failingTmp, failingPath);
    } catch (err) {
      await removeTempPath(cleanPath);
      throw err;
    }
    for (const u of untrack) u();
    return { validation, cleanPath, failingPath, cleanRows, failingRows };
  } catch (err) {
    const open = [clean, failing].filter((w): w is FrameWriter => w !== null);
    await Promise.allSettled([...open.map((w) => w.abort()), removeTempPath(cleanTmp), removeTempPath(failingTmp)]);
    throw err;
  }
}
