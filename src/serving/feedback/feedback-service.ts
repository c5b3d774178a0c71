/**
 * `FeedbackService` (`kiln.feedback`): ground truth for predictions, late and in batches.
 *
 * Decisions (docs/serving-capture.md):
 * - A prediction id is *known* when the capture buffer indexed it: every id an endpoint returned is
 *   indexed at the next flush, sampled or not (`indexAllPredictions`), so sampling does not hide ids.
 *   Feedback for unknown ids is reported per id (index and id) and not stored; the rest is stored.
 * - Idempotent: the same (id, label) again changes nothing. A different label for a stored id wins (last
 *   write wins) and the old one stays in the history (`metadata.feedback.history`).
 * - One call is one transaction, then one audit entry (counts, not labels).
 */
import type { Frame } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import { NotFoundError, UsageError } from '../../core/errors.js';
import type { SecurityService } from '../../security/security-service.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { CaptureQuery } from '../capture/capture-query.js';
import { resolveCaptureQuery } from '../capture/capture-query.js';
import { readCapture } from '../capture/capture-reader.js';
import { checkFeedbackBatch } from './feedback-request.js';
import type { FeedbackLabelValue } from './feedback-request.js';

/** Who records, for the audit log. */
export interface FeedbackContext {
  readonly actor: string;
  readonly requestId?: string;
  readonly sourceAddress?: string;
}

/** An id feedback was refused for. */
export interface UnknownPrediction {
  readonly index: number;
  readonly predictionId: string;
}

/** What one `record` call did. */
export interface FeedbackResult {
  readonly project: string;
  readonly endpoint: string;
  /** Items in the request (duplicates included). */
  readonly received: number;
  /** New labels, changed labels, and labels that were already stored as sent. */
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Ids that are not known predictions of this endpoint (not stored). */
  readonly unknown: readonly UnknownPrediction[];
}

/** Options of the service. */
export interface FeedbackServiceOptions {
  /** Whether an endpoint exists (wired to the endpoint registry); absent: any well-formed name is accepted. */
  readonly endpointExists?: (project: string, endpoint: string) => Promise<boolean>;
  /** Largest Frame `joinFeedback` reads (bytes; default 1 GiB). */
  readonly memoryBudgetBytes?: number;
}

/** Records and joins feedback in one project (`default`; `inProject(p)` for another). */
export class FeedbackService {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly security: SecurityService,
    private readonly options: FeedbackServiceOptions = {},
  ) {}

  /** The project this service acts in. */
  get project(): string {
    return this.metadata.project;
  }

  /** The same service acting in `project` (not checked to exist: callers authorize and check first). */
  inProject(project: string): FeedbackService {
    return project === this.project ? this : new FeedbackService(this.metadata.inProject(project), this.artifacts, this.security, this.options);
  }

  /** Store labels for known prediction ids of `endpoint`; unknown ids are reported, the rest stored. */
  async record(endpoint: string, items: unknown, ctx: FeedbackContext): Promise<FeedbackResult> {
    const q = { ...resolveCaptureQuery({ endpoint }), project: this.project };
    const checked = checkFeedbackBatch(items);
    await this.checkEndpoint(q.project, q.endpoint);
    const known = await this.metadata.captureSegments.knownPredictionIds(q.endpoint, checked.map((c) => c.predictionId));
    const unknown = checked.filter((c) => !known.has(c.predictionId)).map((c) => ({ index: c.index, predictionId: c.predictionId }));
    const storable = checked.filter((c) => known.has(c.predictionId));
    const at = new Date().toISOString();
    const counts =
      storable.length === 0
        ? { inserted: 0, updated: 0, unchanged: 0 }
        : await this.metadata.feedback.record(q.endpoint, storable.map((c) => ({ predictionId: c.predictionId, labelJson: JSON.stringify(c.label) })), at, ctx.actor);
    // After the commit: the audit log is its own append (on SQLite the store waits while a transaction is open).
    if (counts.inserted + counts.updated > 0) {
      await this.security.audit(
        { actor: ctx.actor, action: 'endpoint.feedback', resourceType: 'endpoints', resourceId: q.endpoint, project: q.project, before: null, after: { ...counts, unknown: unknown.length } },
        { ...(ctx.requestId ? { requestId: ctx.requestId } : {}), ...(ctx.sourceAddress ? { sourceAddress: ctx.sourceAddress } : {}) },
      );
    }
    return { project: q.project, endpoint: q.endpoint, received: Array.isArray(items) ? items.length : 0, ...counts, unknown };
  }

  /**
   * Captured predictions of `endpoint` in [from, to) with their current label: the capture columns plus
   * `label` (typed from the labels: numbers, booleans or text; missing when none) and `label_recorded_at`.
   */
  async joinFeedback(query: CaptureQuery): Promise<Frame> {
    const q = resolveCaptureQuery(query);
    const frame = await readCapture(this.metadata, this.artifacts, query, this.options.memoryBudgetBytes);
    const idCol = frame.column('prediction_id');
    const ids: string[] = [];
    for (let i = 0; i < frame.rowCount; i++) ids.push(String(cellText(idCol, i)));
    const labels = await this.metadata.feedback.labels(q.endpoint, ids);
    const values: (FeedbackLabelValue | null)[] = ids.map((id) => {
      const f = labels.get(id);
      return f ? (JSON.parse(f.labelJson) as FeedbackLabelValue) : null;
    });
    const recorded = Float64Array.from(ids, (id) => {
      const f = labels.get(id);
      return f ? Date.parse(f.recordedAt) : Number.NaN;
    });
    return frame.withColumn(labelColumn(values)).withColumn({ name: 'label_recorded_at', type: 'timestamp', values: recorded, timezone: 'UTC' });
  }

  private async checkEndpoint(project: string, endpoint: string): Promise<void> {
    if (this.options.endpointExists && !(await this.options.endpointExists(project, endpoint))) {
      throw new NotFoundError(`endpoint "${endpoint}" does not exist in project "${project}"`, { field: 'name', endpoint, project }, 'See `kiln endpoints list`.');
    }
  }
}

function cellText(col: Column, i: number): string {
  if (col.type === 'text') return col.values[i] ?? '';
  if (col.type === 'categorical') return col.codes[i] >= 0 ? col.categories[col.codes[i]] : '';
  throw new UsageError(`prediction_id column has type ${col.type}`, { column: 'prediction_id' });
}

function labelColumn(values: readonly (FeedbackLabelValue | null)[]): Column {
  const present = values.filter((v) => v !== null);
  if (present.length > 0 && present.every((v) => typeof v === 'number')) return { name: 'label', type: 'numeric', values: Float64Array.from(values, (v) => (typeof v === 'number' ? v : Number.NaN)) };
  if (present.length > 0 && present.every((v) => typeof v === 'boolean')) return { name: 'label', type: 'boolean', values: Uint8Array.from(values, (v) => (v === true ? 1 : v === false ? 0 : 255)) };
  return { name: 'label', type: 'text', values: values.map((v) => (v === null ? null : String(v))) };
}
