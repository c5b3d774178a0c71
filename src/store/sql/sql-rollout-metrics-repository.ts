/**
 * Dialect-agnostic SQL implementation of the rollout metrics repository: append-only rows, read back by
 * time window. Histograms, bins and samples are JSON text (read whole, summed in the service).
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { RolloutMetricsRepository, VariantMetricsRow } from '../rollout-metrics-repository.js';
import type { KilnDatabase, RolloutMetricsTable } from './kiln-database.js';

function toRow(r: Selectable<RolloutMetricsTable>): VariantMetricsRow {
  return {
    endpoint: r.endpoint,
    variant: r.variant,
    model: r.model,
    writer: r.writer,
    at: Number(r.at),
    shadow: Number(r.shadow) === 1,
    requests: Number(r.requests),
    errors: Number(r.errors),
    missingKeys: Number(r.missing_keys),
    agreements: Number(r.agreements),
    latencySumMs: Number(r.latency_sum_ms),
    latencyBuckets: JSON.parse(r.latency_json) as number[],
    predictionBins: JSON.parse(r.bins_json) as Record<string, number>,
    sample: JSON.parse(r.sample_json) as [string, string | number][],
  };
}

/** Rollout metrics over any Kysely connection or transaction, in `project`. */
export class SqlRolloutMetricsRepository implements RolloutMetricsRepository {
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
    private readonly project: string,
  ) {}

  async append(rows: readonly VariantMetricsRow[]): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map((r) => ({
      project: this.project,
      endpoint: r.endpoint,
      variant: r.variant,
      model: r.model,
      writer: r.writer,
      at: Math.floor(r.at),
      shadow: r.shadow ? 1 : 0,
      requests: r.requests,
      errors: r.errors,
      missing_keys: r.missingKeys,
      agreements: r.agreements,
      latency_sum_ms: r.latencySumMs,
      latency_json: JSON.stringify(r.latencyBuckets),
      bins_json: JSON.stringify(r.predictionBins),
      sample_json: JSON.stringify(r.sample),
    }));
    const run = async (trx: Kysely<KilnDatabase>): Promise<void> => {
      for (let i = 0; i < values.length; i += 200) await trx.insertInto('rollout_metrics').values(values.slice(i, i + 200)).execute();
    };
    if (this.inTransaction) await run(this.db);
    else await this.db.transaction().execute((trx: Transaction<KilnDatabase>) => run(trx));
  }

  async window(endpoint: string, from: number, to: number): Promise<VariantMetricsRow[]> {
    const rows = await this.db
      .selectFrom('rollout_metrics')
      .selectAll()
      .where('project', '=', this.project)
      .where('endpoint', '=', endpoint)
      .where('at', '>', Math.floor(from))
      .where('at', '<=', Math.floor(to))
      .orderBy('at')
      .execute();
    return rows.map(toRow);
  }

  async prune(before: number): Promise<number> {
    const res = await this.db.deleteFrom('rollout_metrics').where('at', '<', Math.floor(before)).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
