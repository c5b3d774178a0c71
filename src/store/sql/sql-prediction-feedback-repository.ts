/**
 * Dialect-agnostic SQL implementation of the prediction-feedback repository. One transaction per call:
 * read the current labels of the batch's ids, insert new ones, bump the revision of changed ones, and
 * append every new revision to the history. Two writers inserting the same new id race on the primary
 * key; the loser's transaction is retried once (it then sees the row and updates or skips it).
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { UsageError } from '../../core/errors.js';
import type { FeedbackLabel, FeedbackWriteCounts, PredictionFeedbackRepository, PredictionWindow, StoredFeedback, VariantLabelSummary } from '../prediction-feedback-repository.js';
import type { KilnDatabase, PredictionFeedbackTable } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

const LOOKUP_CHUNK = 500;
const INSERT_CHUNK = 500;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

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

  async summarizeByVariant(endpoint: string, window: PredictionWindow): Promise<VariantLabelSummary[]> {
    for (const field of ['from', 'to'] as const) {
      if (!ISO.test(window[field])) throw new UsageError(`window.${field} must be an ISO-8601 UTC time (YYYY-MM-DDTHH:MM:SS.mmmZ)`, { field });
    }
    // Labels drive the join (usually far fewer than predictions); each finds its index row by primary key.
    const joined = this.db
      .selectFrom('prediction_feedback as f')
      .innerJoin('prediction_ids as p', (j) => j.onRef('p.project', '=', 'f.project').onRef('p.endpoint', '=', 'f.endpoint').onRef('p.prediction_id', '=', 'f.prediction_id'))
      .where('f.project', '=', this.project)
      .where('f.endpoint', '=', endpoint)
      .where('p.received_at', '>=', window.from)
      .where('p.received_at', '<', window.to)
      .where('p.variant', 'is not', null);
    // substr and a CASE-guarded cast mean the same on SQLite and PostgreSQL (no LIKE, no collation).
    const isNumber = sql`substr(f.label_json, 1, 1) in ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9')`;
    const value = sql<number>`case when ${isNumber} then cast(f.label_json as double precision) end`;
    // String(prediction) === String(label): a JSON string label is the prediction quoted (with \ and " escaped
    // as JSON.stringify does); any other label's JSON text is its String() already.
    const quoted = sql`'"' || replace(replace(p.prediction, '\\', '\\\\'), '"', '\\"') || '"'`;
    const rows = await joined
      .select([
        'p.variant',
        sql<number>`count(*)`.as('labelled'),
        sql<number>`sum(case when f.label_json in ('true', '1') then 1 else 0 end)`.as('trues'),
        sql<number>`sum(case when f.label_json in ('false', '0') then 1 else 0 end)`.as('falses'),
        sql<number>`sum(case when ${isNumber} then 1 else 0 end)`.as('numeric'),
        sql<number | null>`sum(${value})`.as('total'),
        sql<number>`sum(case when p.prediction is not null then 1 else 0 end)`.as('compared'),
        sql<number>`sum(case when p.prediction is not null and (f.label_json = p.prediction or f.label_json = ${quoted}) then 1 else 0 end)`.as('correct'),
      ])
      .groupBy('p.variant')
      .execute();
    const out: VariantLabelSummary[] = [];
    for (const r of rows) {
      const variant = r.variant ?? '';
      const numeric = Number(r.numeric);
      const sum = Number(r.total ?? 0);
      let squaredDeviations = 0;
      if (numeric > 1) {
        // Second pass around the mean: sum(x^2) - n*mean^2 loses every digit when the mean is large.
        const mean = sum / numeric;
        const dev = await joined
          .select(sql<number | null>`sum((${value} - ${mean}) * (${value} - ${mean}))`.as('ss'))
          .where('p.variant', '=', variant)
          .executeTakeFirst();
        squaredDeviations = Number(dev?.ss ?? 0);
      }
      out.push({ variant, labelled: Number(r.labelled), trues: Number(r.trues), falses: Number(r.falses), numeric, sum, squaredDeviations, compared: Number(r.compared), correct: Number(r.correct) });
    }
    return out.sort((a, b) => (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0));
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
