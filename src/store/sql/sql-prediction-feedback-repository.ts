/**
 * Dialect-agnostic SQL implementation of the prediction-feedback repository. One transaction per call:
 * read the current labels of the batch's ids, insert new ones, bump the revision of changed ones, and
 * append every new revision to the history. Two writers inserting the same new id race on the primary
 * key; the loser's transaction is retried once (it then sees the row and updates or skips it).
 */
import type { Kysely, Selectable } from 'kysely';
import { UsageError } from '../../core/errors.js';
import type { FeedbackLabel, FeedbackWriteCounts, PredictionFeedbackRepository, StoredFeedback } from '../prediction-feedback-repository.js';
import type { KilnDatabase, PredictionFeedbackTable } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

const LOOKUP_CHUNK = 500;
const INSERT_CHUNK = 500;

/** Feedback labels of `project` over any Kysely connection or transaction. */
export class SqlPredictionFeedbackRepository implements PredictionFeedbackRepository {
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
    private readonly project: string,
  ) {}

  async record(endpoint: string, labels: readonly FeedbackLabel[], at: string, actor: string): Promise<FeedbackWriteCounts> {
    const project = this.project;
    const seen = new Set<string>();
    labels.forEach((l, i) => {
      if (typeof l.predictionId !== 'string' || l.predictionId.length === 0 || l.predictionId.length > 200) throw new UsageError(`label ${i}: predictionId must be 1-200 characters`, { field: 'predictionId', index: i });
      if (seen.has(l.predictionId)) throw new UsageError(`label ${i}: prediction id ${l.predictionId} appears twice in one call`, { field: 'predictionId', index: i });
      seen.add(l.predictionId);
      if (typeof l.labelJson !== 'string' || l.labelJson.length === 0) throw new UsageError(`label ${i}: labelJson must be JSON text`, { field: 'label', index: i });
    });
    if (this.inTransaction) return this.write(this.db, project, endpoint, labels, at, actor);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute((trx) => this.write(trx, project, endpoint, labels, at, actor));
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 2) throw err;
      }
    }
  }

  private async write(db: Kysely<KilnDatabase>, project: string, endpoint: string, labels: readonly FeedbackLabel[], at: string, actor: string): Promise<FeedbackWriteCounts> {
    const current = await currentLabels(db, project, endpoint, labels.map((l) => l.predictionId));
    const fresh: Selectable<PredictionFeedbackTable>[] = [];
    const history: Selectable<PredictionFeedbackTable>[] = [];
    let updated = 0;
    let unchanged = 0;
    for (const l of labels) {
      const old = current.get(l.predictionId);
      if (old && old.label_json === l.labelJson) {
        unchanged++;
        continue;
      }
      const row = { project, endpoint, prediction_id: l.predictionId, label_json: l.labelJson, revision: old ? Number(old.revision) + 1 : 1, recorded_at: at, recorded_by: actor };
      history.push(row);
      if (!old) {
        fresh.push(row);
        continue;
      }
      updated++;
      await db
        .updateTable('prediction_feedback')
        .set({ label_json: row.label_json, revision: row.revision, recorded_at: at, recorded_by: actor })
        .where('project', '=', project)
        .where('endpoint', '=', endpoint)
        .where('prediction_id', '=', l.predictionId)
        .execute();
    }
    for (let i = 0; i < fresh.length; i += INSERT_CHUNK) await db.insertInto('prediction_feedback').values(fresh.slice(i, i + INSERT_CHUNK)).execute();
    for (let i = 0; i < history.length; i += INSERT_CHUNK) await db.insertInto('prediction_feedback_history').values(history.slice(i, i + INSERT_CHUNK)).execute();
    return { inserted: fresh.length, updated, unchanged };
  }

  async labels(endpoint: string, predictionIds: readonly string[]): Promise<Map<string, StoredFeedback>> {
    const rows = await currentLabels(this.db, this.project, endpoint, predictionIds);
    return new Map([...rows].map(([id, row]) => [id, toFeedback(row)]));
  }

  async history(endpoint: string, predictionId: string): Promise<StoredFeedback[]> {
    const rows = await this.db
      .selectFrom('prediction_feedback_history')
      .selectAll()
      .where('project', '=', this.project)
      .where('endpoint', '=', endpoint)
      .where('prediction_id', '=', predictionId)
      .orderBy('revision')
      .execute();
    return rows.map(toFeedback);
  }
}

async function currentLabels(db: Kysely<KilnDatabase>, project: string, endpoint: string, ids: readonly string[]): Promise<Map<string, Selectable<PredictionFeedbackTable>>> {
  const out = new Map<string, Selectable<PredictionFeedbackTable>>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('prediction_feedback')
      .selectAll()
      .where('project', '=', project)
      .where('endpoint', '=', endpoint)
      .where('prediction_id', 'in', unique.slice(i, i + LOOKUP_CHUNK))
      .execute();
    for (const r of rows) out.set(r.prediction_id, r);
  }
  return out;
}

function toFeedback(row: Selectable<PredictionFeedbackTable>): StoredFeedback {
  return { predictionId: row.prediction_id, labelJson: row.label_json, revision: Number(row.revision), recordedAt: row.recorded_at, recordedBy: row.recorded_by };
}
