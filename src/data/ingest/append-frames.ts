/**
 * Appending validated rows to a dataset: each chunk is checked against the suite (when there is one);
 * rows breaking a row-level, error-severity expectation go to the quarantine with the ids of what they
 * broke, the rest to a new Parquet part. The part (if it has rows) becomes the next version through
 * `appendPart`, in one metadata transaction that may commit more (a stream offset). Temp files live in
 * `tmpDir` and are removed whatever happens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from '../../core/frame.js';
import { columnType } from '../../core/frame.js';
import type { Schema } from '../../core/schema.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { appendPart } from '../datasets/dataset-append.js';
import type { AppendResult } from '../datasets/dataset-append.js';
import { readFrameChunks } from '../io/read-frame.js';
import { createFrameWriter } from '../io/write-frame.js';
import type { FrameWriter } from '../io/write-frame.js';
import { profileFrames } from '../profile/profile-frames.js';
import { expectationId } from '../validation/suite.js';
import type { Suite } from '../validation/suite.js';
import { validateFrames } from '../validation/validate-frames.js';
import type { ExpectationResult } from '../validation/validate-frames.js';
import { QuarantineLog } from './quarantine-log.js';
import type { QuarantineEntry, QuarantineSummary } from './quarantine-log.js';

/** What to append. */
export interface AppendFramesInput {
  readonly name: string;
  /** The rows, in order; every chunk has the same columns. */
  readonly frames: AsyncIterable<Frame> | Iterable<Frame>;
  /** Checked before anything is written, with the first chunk's columns (throws to refuse). */
  readonly checkColumns?: (first: Frame) => void;
  readonly suite: Suite | null;
  /** Recorded as the version's `source`. */
  readonly source: string;
  /** Parent folder for temp files (`KILN_HOME/tmp`). */
  readonly tmpDir: string;
  /** Entries rejected before the frames were built (e.g. malformed stream messages). */
  readonly rejected?: readonly QuarantineEntry[];
  /** Runs inside the version's transaction (also when no version is created), e.g. to commit a stream offset. */
  readonly inTransaction?: (tx: MetadataStore, version: AppendResult | null) => Promise<void>;
}

/** What an append did. */
export interface AppendFramesResult {
  /** The new version; null when no row passed (nothing appended). */
  readonly version: AppendResult | null;
  readonly receivedRows: number;
  readonly appendedRows: number;
  readonly quarantine: QuarantineSummary;
  /** Failed expectations of the suite over the received rows (table-level ones do not block the append). */
  readonly failedExpectations: Pick<ExpectationResult, 'id' | 'expectation' | 'column' | 'severity' | 'failingRows' | 'message'>[];
}

/** Validates, quarantines and appends `input.frames` as the next version of `input.name`. */
export async function appendFrames(metadata: MetadataStore, artifacts: ArtifactStore, input: AppendFramesInput): Promise<AppendFramesResult> {
  const dir = await mkdtemp(join(input.tmpDir, 'kiln-append-'));
  const partPath = join(dir, 'part.parquet');
  const quarantine = new QuarantineLog(join(dir, 'quarantine.ndjson'));
  let writer: FrameWriter | null = null;
  try {
    for (const entry of input.rejected ?? []) await quarantine.add(entry);
    let received = 0;
    let appended = 0;
    let offset = 0;
    let first = true;
    const writeClean = async (frame: Frame): Promise<void> => {
      writer ??= await createFrameWriter(partPath, { format: 'parquet' });
      await writer.write(frame);
      appended += frame.rowCount;
    };
    const typeById = new Map(input.suite?.expectations.map((e, i) => [expectationId(e, i), e.type]) ?? []);
    async function* chunks(): AsyncGenerator<Frame> {
      for await (const frame of input.frames) {
        if (first) {
          input.checkColumns?.(frame);
          first = false;
        }
        offset = received;
        received += frame.rowCount;
        yield frame;
      }
    }
    let failedExpectations: AppendFramesResult['failedExpectations'] = [];
    if (input.suite) {
      const result = await validateFrames(chunks(), input.suite, {
        sampleSize: 0,
        onCleanRows: writeClean,
        async onFailingRows(frame, rowErrors, rowIndices) {
          for (let k = 0; k < frame.rowCount; k++) {
            await quarantine.add({ row: offset + rowIndices[k] + 1, reasons: rowErrors[k].map((id) => `${id}:${typeById.get(id) ?? ''}`), values: frame.row(k) });
          }
        },
      });
      failedExpectations = result.results
        .filter((r) => !r.success)
        .map((r) => ({ id: r.id, expectation: r.expectation, column: r.column, severity: r.severity, failingRows: r.failingRows, message: r.message }));
    } else {
      for await (const frame of chunks()) await writeClean(frame);
    }
    let version: AppendResult | null = null;
    const open = writer as FrameWriter | null;
    writer = null;
    if (open && appended > 0) {
      await open.close();
      const profile = await profileFrames(readFrameChunks(partPath, { format: 'parquet' }));
      const schema: Schema = { fields: profile.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.missing > 0 })) };
      const summary = await quarantine.store(artifacts);
      version = await metadata.transaction(async (tx) => {
        const v = await appendPart(tx, artifacts, { name: input.name, partPath, rows: appended, schema, profile, source: input.source, createdAt: new Date().toISOString() });
        await input.inTransaction?.(tx, v);
        return v;
      });
      return { version, receivedRows: received, appendedRows: appended, quarantine: summary, failedExpectations };
    }
    await open?.abort();
    const summary = await quarantine.store(artifacts);
    if (input.inTransaction) await metadata.transaction((tx) => input.inTransaction!(tx, null));
    return { version, receivedRows: received, appendedRows: 0, quarantine: summary, failedExpectations };
  } finally {
    await (writer as FrameWriter | null)?.abort().catch(() => undefined);
    await quarantine.discard();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The schema of a Frame (types of its columns; nullable unknown, so true). */
export function frameSchema(frame: Frame): Schema {
  return { fields: frame.columns.map((c) => ({ name: c.name, type: columnType(c), nullable: true })) };
}
