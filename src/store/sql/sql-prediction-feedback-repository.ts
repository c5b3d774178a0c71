/**
 * Dialect-agnostic SQL implementation of the prediction-feedback repository. One transaction per call:
 * read the current labels of the batch's ids, insert new ones, bump the revision of changed ones, and
 * append every new revision to the history. Two writers inserting the same new id race on the primary
 * key; the loser's transaction is retried once (it then sees the row and updates or skips it).
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { UsageError } from '../../core/errors.js';
import type { FeedbackLabel, FeedbackWriteCounts, LabelGroupSummary, PredictionFeedbackRepository, StoredFeedback } from '../prediction-feedback-repository.js';
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

  async summarizeTagged(endpoint: string, prefix: string): Promise<LabelGroupSummary[]> {
    if (!/^[A-Za-z0-9]{1,40}$/.test(prefix)) throw new UsageError('a tag prefix is 1-40 letters or digits', { field: 'prefix' });
    // substr/equality and a CASE-guarded cast mean the same on SQLite and PostgreSQL (no LIKE, no collation).
    const tag = `${prefix}-`;
    // Literal positions: PostgreSQL must see the GROUP BY expression as the selected one (parameters differ).
    const group = sql<string>`substr(prediction_id, ${sql.lit(tag.length + 1)}, 1)`;
    const isNumber = sql`substr(label_json, 1, 1) in ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9')`;
    const value = sql<number>`case when ${isNumber} then cast(label_json as double precision) end`;
    const tagged = this.db
      .selectFrom('prediction_feedback')
      .where('project', '=', this.project)
      .where('endpoint', '=', endpoint)
      .where(sql<boolean>`substr(prediction_id, 1, ${sql.lit(tag.length)}) = ${tag}`)
      .where(sql<boolean>`substr(prediction_id, ${sql.lit(tag.length + 2)}, 1) = '-'`);
    const rows = await tagged
      .select([
        group.as('grp'),
        sql<number>`count(*)`.as('labelled'),
        sql<number>`sum(case when label_json in ('true', '1') then 1 else 0 end)`.as('trues'),
        sql<number>`sum(case when label_json in ('false', '0') then 1 else 0 end)`.as('falses'),
        sql<number>`sum(case when ${isNumber} then 1 else 0 end)`.as('numeric'),
        sql<number | null>`sum(${value})`.as('total'),
      ])
      .groupBy(group)
      .execute();
    const out: LabelGroupSummary[] = [];
    for (const r of rows) {
      const numeric = Number(r.numeric);
      const sum = Number(r.total ?? 0);
      let squaredDeviations = 0;
      if (numeric > 1) {
        // Second pass around the mean: sum(x^2) - n*mean^2 loses every digit when the mean is large.
        const mean = sum / numeric;
        const dev = await tagged
          .select(sql<number | null>`sum((${value} - ${mean}) * (${value} - ${mean}))`.as('ss'))
          .where(sql<boolean>`${group} = ${r.grp}`)
          .executeTakeFirst();
        squaredDeviations = Number(dev?.ss ?? 0);
      }
      out.push({ group: r.grp, labelled: Number(r.labelled), trues: Number(r.trues), falses: Number(r.falses), numeric, sum, squaredDeviations });
    }
    return out.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
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
