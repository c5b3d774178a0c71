/**
 * Writes one endpoint's buffered records: each column layout becomes a Parquet segment (DuckDB, via
 * `writeFrame`) stored in the `ArtifactStore`, then ONE metadata transaction records the segments and
 * indexes every prediction id (sampled or not) with the variant that answered it and its prediction as
 * text. Until that commit nothing is visible: a crash after the blob is stored leaves only an unreferenced
 * blob, which `kiln gc` removes.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Frame } from '../../core/frame.js';
import { makeTempDir, removeTempPath } from '../../data/io/temp-space.js';
import { writeFrame } from '../../data/io/write-frame.js';
import type { MaskingPolicy } from '../../security/pii/masking-policy.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { CaptureSegment, IndexedPrediction } from '../../store/capture-segment-repository.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { captureAttributions } from './capture-attributions.js';
import { buildCaptureBatches } from './capture-frame.js';
import type { SampledRecord } from './capture-frame.js';

/** What one write produced. */
export interface CaptureWriteResult {
  readonly segments: readonly CaptureSegment[];
  /** Rows written to segments. */
  readonly capturedRows: number;
  /** Prediction ids indexed (captured or not). */
  readonly indexedIds: number;
  /** Captured rows stored with attributions, and rows that asked for them but were stored without. */
  readonly attributedRows?: number;
  readonly unattributedRows?: number;
}

/** Per-write options beyond masking. */
export interface CaptureWriteOptions {
  /** Compute and store TreeSHAP attributions of the captured rows. */
  readonly attributions?: boolean;
  /** Told why rows were stored without attributions (once per model and write). */
  readonly onAttributionSkip?: (reason: string) => void;
}

/** Writes buffered records of one endpoint as segments. */
export interface CaptureWriter {
  write(project: string, endpoint: string, items: readonly SampledRecord[], masking: MaskingPolicy | null | undefined, options?: CaptureWriteOptions): Promise<CaptureWriteResult>;
}

/** The writer over Kiln's stores; `salt` keys `hash` masking rules (`loadPiiSalt`). */
export class CaptureSegmentWriter implements CaptureWriter {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly salt: string,
    /** Test hook: runs after the blobs are stored and before the metadata commit. */
    private readonly beforeCommit?: () => Promise<void>,
  ) {}

  async write(project: string, endpoint: string, items: readonly SampledRecord[], masking: MaskingPolicy | null | undefined, options: CaptureWriteOptions = {}): Promise<CaptureWriteResult> {
    const attributions = options.attributions ? await captureAttributions(items) : null;
    for (const reason of attributions?.reasons ?? []) options.onAttributionSkip?.(`capture attributions for endpoint ${endpoint}: ${reason}`);
    const batches = buildCaptureBatches(items, masking, this.salt, attributions?.byItem);
    // Which variant answered each id and what it predicted, for the index (rollout outcomes join on them).
    const served = new Map<string, { variant: string; prediction: string | null }>();
    for (const { record } of items) {
      for (let k = 0; k < record.predictionIds.length; k++) served.set(record.predictionIds[k], { variant: record.variant, prediction: predictionText(record.predictions[k]) });
    }
    const segments: { segment: CaptureSegment; ids: IndexedPrediction[] }[] = [];
    const createdAt = new Date().toISOString();
    for (const batch of batches) {
      const hash = await this.storeParquet(batch.frame);
      const ids = batch.predictionIds.map((id, i) => ({ predictionId: id, receivedAt: isoOf((batch.frame.column('received_at') as { values: Float64Array }).values[i]), ...served.get(id) }));
      segments.push({
        ids,
        segment: {
          id: `seg_${randomBytes(12).toString('hex')}`,
          project,
          endpoint,
          startAt: isoOf(batch.minReceivedAt),
          endAt: isoOf(batch.maxReceivedAt),
          rowCount: batch.frame.rowCount,
          artifactHash: hash,
          columns: batch.columns,
          createdAt,
        },
      });
    }
    const captured = new Set(segments.flatMap((s) => s.ids.map((p) => p.predictionId)));
    const others: IndexedPrediction[] = [];
    for (const { record } of items) {
      const at = isoOf(record.receivedAt);
      for (let k = 0; k < record.predictionIds.length; k++) {
        const id = record.predictionIds[k];
        if (!captured.has(id)) others.push({ predictionId: id, receivedAt: at, variant: record.variant, prediction: predictionText(record.predictions[k]) });
      }
    }
    await this.beforeCommit?.();
    await this.metadata.inProject(project).transaction(async (tx) => {
      for (const s of segments) await tx.captureSegments.record(endpoint, s.ids, s.segment);
      if (others.length > 0) await tx.captureSegments.record(endpoint, others);
    });
    return {
      segments: segments.map((s) => s.segment),
      capturedRows: captured.size,
      indexedIds: captured.size + others.length,
      ...(attributions ? { attributedRows: attributions.rows, unattributedRows: attributions.skippedRows } : {}),
    };
  }

  private async storeParquet(frame: Frame): Promise<string> {
    const dir = await makeTempDir('capture');
    try {
      const file = join(dir, 'segment.parquet');
      await writeFrame(frame, file, { format: 'parquet' });
      return (await this.artifacts.putFile(file)).hash;
    } finally {
      await removeTempPath(dir);
    }
  }
}

/** Longest prediction text the index keeps (class names and numbers fit; longer text is cut). */
const PREDICTION_TEXT_MAX = 200;

/** A prediction as the index stores it: `String(value)` (what correctness compares), cut to 200 characters. */
function predictionText(p: string | number | null | undefined): string | null {
  return p === null || p === undefined ? null : String(p).slice(0, PREDICTION_TEXT_MAX);
}

/** Epoch ms -> ISO-8601 UTC, clamped to a valid date (a bogus client clock must not fail a flush). */
function isoOf(ms: number): string {
  const d = new Date(Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 253402300799999) : 0);
  return d.toISOString();
}
