/**
 * Dialect-agnostic SQL implementation of the trained-model repository (Kysely). Listing is keyset
 * paging on (created_at, id) descending; the cursor is the last row's key, base64url-encoded, so a page
 * never skips or repeats a row when models are added between requests.
 */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, InternalError, UsageError } from '../../core/errors.js';
import { decodeCursor, pageLimit, toPage } from '../page.js';
import type { NewTrainedModel, TrainedModelPage, TrainedModelQuery, TrainedModelRecord, TrainedModelRepository, TrainingSourceKind } from '../trained-model-repository.js';
import type { KilnDatabase, TrainedModelsTable } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

/** Names this list's cursors (a cursor of another list is refused). */
const LIST = 'trained-models';

const SOURCE_KINDS: readonly TrainingSourceKind[] = ['dataset', 'file', 'frame'];

/** Trained-model repository over any Kysely connection or transaction. */
export class SqlTrainedModelRepository implements TrainedModelRepository {
  /** Models of `project`; `countArtifactReferences` spans every project. */
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly project: string,
  ) {}

  async create(model: NewTrainedModel): Promise<TrainedModelRecord> {
    const json = checkNewTrainedModel(model);
    try {
      await this.db
        .insertInto('trained_models')
        .values({
          id: model.id,
          project: this.project,
          artifact_hash: model.artifactHash,
          algorithm: model.algorithm,
          task: model.task,
          target: model.target,
          source_kind: model.sourceKind,
          dataset_name: model.dataset?.name ?? null,
          dataset_version: model.dataset?.version ?? null,
          dataset_hash: model.dataset?.hash ?? null,
          params_json: json.params,
          metrics_json: json.metrics,
          created_at: model.createdAt,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`a trained model with id "${model.id}" already exists`, { field: 'id' });
      throw err;
    }
    return { ...model, dataset: model.dataset ? { ...model.dataset } : null, params: JSON.parse(json.params) as Record<string, unknown>, metrics: { ...model.metrics } };
  }

  async get(id: string): Promise<TrainedModelRecord | null> {
    if (typeof id !== 'string' || id.length === 0) throw new UsageError('trained model id must be a non-empty string', { field: 'id' });
    const row = await this.db.selectFrom('trained_models').selectAll().where('project', '=', this.project).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(query: TrainedModelQuery = {}): Promise<TrainedModelPage> {
    const limit = pageLimit(query.limit);
    let q = this.db.selectFrom('trained_models').selectAll().where('project', '=', this.project);
    if (query.datasetName !== undefined) q = q.where('dataset_name', '=', query.datasetName);
    if (query.cursor != null) {
      const [createdAt, id] = decodeCursor(LIST, query.cursor, ['string', 'string'] as const);
      q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    return toPage(rows, limit, toRecord, (m) => [m.createdAt, m.id], LIST);
  }

  /** Across every project: a bundle stays live while any project's model references it. */
  async countArtifactReferences(hash: string): Promise<number> {
    const row = await this.db
      .selectFrom('trained_models')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('artifact_hash', '=', hash)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Across every project, keyset on the id. */
  async *artifactHashes(batchSize = 1000): AsyncIterable<string> {
    let after: string | null = null;
    for (;;) {
      let q = this.db.selectFrom('trained_models').select(['id', 'artifact_hash']);
      if (after !== null) q = q.where('id', '>', after);
      const rows = await q.orderBy('id').limit(batchSize).execute();
      for (const r of rows) yield r.artifact_hash;
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1].id;
    }
  }
}

function toRecord(row: Selectable<TrainedModelsTable>): TrainedModelRecord {
  const kind = row.source_kind as TrainingSourceKind;
  return {
    id: row.id,
    artifactHash: row.artifact_hash,
    algorithm: row.algorithm,
    task: row.task,
    target: row.target,
    sourceKind: kind,
    dataset:
      row.dataset_name !== null && row.dataset_version !== null && row.dataset_hash !== null
        ? { name: row.dataset_name, version: Number(row.dataset_version), hash: row.dataset_hash }
        : null,
    params: parseStored(row.params_json, row.id, 'params') as Record<string, unknown>,
    metrics: parseStored(row.metrics_json, row.id, 'metrics') as Record<string, number>,
    createdAt: row.created_at,
  };
}

function parseStored(text: string, id: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InternalError(`stored ${field} of trained model "${id}" is not valid JSON`, { field }, { cause: err });
  }
}

/** Rejects malformed records with the offending field named; returns the serialized JSON documents. */
function checkNewTrainedModel(m: NewTrainedModel): { params: string; metrics: string } {
  for (const field of ['id', 'artifactHash', 'algorithm', 'task', 'target', 'createdAt'] as const) {
    const value: unknown = m[field];
    if (typeof value !== 'string' || value.length === 0) throw new UsageError(`trained model field '${field}' must be a non-empty string`, { field });
  }
  if (!SOURCE_KINDS.includes(m.sourceKind)) throw new UsageError(`trained model field 'sourceKind' must be one of ${SOURCE_KINDS.join(', ')}`, { field: 'sourceKind' });
  if ((m.sourceKind === 'dataset') !== (m.dataset !== null && m.dataset !== undefined)) {
    throw new UsageError("trained model field 'dataset' must be set exactly when sourceKind is 'dataset'", { field: 'dataset' });
  }
  if (m.dataset) {
    const d = m.dataset;
    if (typeof d.name !== 'string' || d.name.length === 0 || typeof d.hash !== 'string' || d.hash.length === 0 || !Number.isSafeInteger(d.version) || d.version < 1) {
      throw new UsageError("trained model field 'dataset' needs a name, a positive integer version and a hash", { field: 'dataset' });
    }
  }
  if (!m.params || typeof m.params !== 'object' || Array.isArray(m.params)) throw new UsageError("trained model field 'params' must be a JSON object", { field: 'params' });
  if (!m.metrics || typeof m.metrics !== 'object' || Array.isArray(m.metrics)) throw new UsageError("trained model field 'metrics' must be an object of numbers", { field: 'metrics' });
  for (const [k, v] of Object.entries(m.metrics)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`trained model metric '${k}' must be a finite number, got ${String(v)}`, { field: 'metrics' });
  }
  let params: string;
  try {
    params = JSON.stringify(m.params);
  } catch (err) {
    throw new UsageError(`trained model field 'params' is not JSON-serializable: ${(err as Error).message}`, { field: 'params' });
  }
  return { params, metrics: JSON.stringify(m.metrics) };
}
