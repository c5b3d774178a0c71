/**
 * Dialect-agnostic SQL implementation of the capture-segment repository. Prediction ids are inserted in
 * chunks (bounded statement parameters on both dialects) with "on conflict do nothing", so re-indexing an
 * id (a retried flush) is harmless; a segment row and its ids commit in one transaction.
 */
import type { Kysely, Selectable } from 'kysely';
import { UsageError } from '../../core/errors.js';
import type { CaptureSegment, CaptureSegmentColumn, CaptureSegmentQuery, CaptureSegmentRepository, IndexedPrediction } from '../capture-segment-repository.js';
import type { CaptureSegmentsTable, KilnDatabase } from './kiln-database.js';

/** Rows per INSERT (7 parameters each: far below SQLite's and PostgreSQL's limits). */
const INSERT_CHUNK = 1000;
/** Ids per IN (...) lookup. */
const LOOKUP_CHUNK = 500;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Capture segments of `project` over any Kysely connection or transaction. */
export class SqlCaptureSegmentRepository implements CaptureSegmentRepository {
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
    private readonly project: string,
  ) {}

  async record(endpoint: string, predictions: readonly IndexedPrediction[], segment?: CaptureSegment): Promise<void> {
    const project = this.project;
    checkName('endpoint', endpoint);
    predictions.forEach((p, i) => {
      if (typeof p.predictionId !== 'string' || p.predictionId.length === 0 || p.predictionId.length > 200) throw new UsageError(`prediction ${i}: predictionId must be 1-200 characters`, { field: 'predictionId', index: i });
      if (!ISO.test(p.receivedAt)) throw new UsageError(`prediction ${i}: receivedAt must be an ISO-8601 UTC time`, { field: 'receivedAt', index: i });
      if (p.variant !== undefined && (typeof p.variant !== 'string' || p.variant.length === 0 || p.variant.length > 200)) throw new UsageError(`prediction ${i}: variant must be 1-200 characters`, { field: 'variant', index: i });
      if (p.prediction !== undefined && p.prediction !== null && (typeof p.prediction !== 'string' || p.prediction.length > 200)) throw new UsageError(`prediction ${i}: prediction must be text of at most 200 characters (cut it before indexing)`, { field: 'prediction', index: i });
    });
    if (segment) checkSegment(segment, project, endpoint);
    const write = async (db: Kysely<KilnDatabase>): Promise<void> => {
      if (segment) {
        await db
          .insertInto('capture_segments')
          .values({
            id: segment.id,
            project,
            endpoint,
            start_at: segment.startAt,
            end_at: segment.endAt,
            row_count: segment.rowCount,
            artifact_hash: segment.artifactHash,
            schema_json: JSON.stringify(segment.columns),
            created_at: segment.createdAt,
          })
          .execute();
      }
      for (let i = 0; i < predictions.length; i += INSERT_CHUNK) {
        const rows = predictions.slice(i, i + INSERT_CHUNK).map((p) => ({ project, endpoint, prediction_id: p.predictionId, received_at: p.receivedAt, segment_id: segment?.id ?? null, variant: p.variant ?? null, prediction: p.prediction ?? null }));
        await db
          .insertInto('prediction_ids')
          .values(rows)
          .onConflict((oc) => oc.columns(['project', 'endpoint', 'prediction_id']).doNothing())
          .execute();
      }
    };
    if (this.inTransaction) await write(this.db);
    else await this.db.transaction().execute(write);
  }

  async list(query: CaptureSegmentQuery): Promise<CaptureSegment[]> {
    let q = this.db.selectFrom('capture_segments').selectAll().where('project', '=', this.project).where('endpoint', '=', query.endpoint);
    if (query.from !== undefined) q = q.where('end_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('start_at', '<', query.to);
    const rows = await q.orderBy('start_at').orderBy('id').execute();
    return rows.map(toSegment);
  }

  async knownPredictionIds(endpoint: string, predictionIds: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    const unique = [...new Set(predictionIds)];
    for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
      const rows = await this.db
        .selectFrom('prediction_ids')
        .select('prediction_id')
        .where('project', '=', this.project)
        .where('endpoint', '=', endpoint)
        .where('prediction_id', 'in', unique.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const r of rows) known.add(r.prediction_id);
    }
    return known;
  }

  async countPredictions(endpoint: string, from: string, to: string): Promise<number> {
    const row = await this.db
      .selectFrom('prediction_ids')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('project', '=', this.project)
      .where('endpoint', '=', endpoint)
      .where('received_at', '>=', from)
      .where('received_at', '<', to)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async artifactHashes(): Promise<string[]> {
    const rows = await this.db.selectFrom('capture_segments').select('artifact_hash').distinct().execute();
    return rows.map((r) => r.artifact_hash);
  }
}

function toSegment(row: Selectable<CaptureSegmentsTable>): CaptureSegment {
  return {
    id: row.id,
    project: row.project,
    endpoint: row.endpoint,
    startAt: row.start_at,
    endAt: row.end_at,
    rowCount: Number(row.row_count),
    artifactHash: row.artifact_hash,
    columns: JSON.parse(row.schema_json) as CaptureSegmentColumn[],
    createdAt: row.created_at,
  };
}

function checkName(field: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) throw new UsageError(`${field} must be 1-128 characters`, { field });
}

function checkSegment(s: CaptureSegment, project: string, endpoint: string): void {
  if (s.project !== project || s.endpoint !== endpoint) throw new UsageError(`the segment belongs to another project or endpoint than the repository (${project}) and its prediction ids`, { field: 'segment' });
  if (!/^seg_[0-9a-f]{8,64}$/.test(s.id)) throw new UsageError('segment id must be seg_<hex>', { field: 'id' });
  if (!/^[0-9a-f]{64}$/.test(s.artifactHash)) throw new UsageError('segment artifactHash must be a sha256 hex digest', { field: 'artifactHash' });
  for (const f of ['startAt', 'endAt', 'createdAt'] as const) if (!ISO.test(s[f])) throw new UsageError(`segment ${f} must be an ISO-8601 UTC time`, { field: f });
  if (s.startAt > s.endAt) throw new UsageError('segment startAt is after endAt', { field: 'startAt' });
  if (!Number.isSafeInteger(s.rowCount) || s.rowCount < 1) throw new UsageError('segment rowCount must be a positive integer', { field: 'rowCount' });
}
