/**
 * Dialect-agnostic SQL implementation of the request stats repository: `add` is an upsert that adds counts to
 * the writer's row of a bucket (`ON CONFLICT ... DO UPDATE`, the same text on SQLite and PostgreSQL); `window`
 * sums writers in SQL, so a reader gets one row per bucket and variant however many processes served.
 */
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { EndpointRequestStatsRepository, EndpointRequestStatsRow, RequestStatsBucket } from '../endpoint-request-stats-repository.js';
import type { KilnDatabase } from './kiln-database.js';

/** Rows per INSERT statement (8 parameters each, well under SQLite's variable limit). */
const CHUNK = 200;

/** Request stats over any Kysely connection or transaction, in `project`. */
export class SqlEndpointRequestStatsRepository implements EndpointRequestStatsRepository {
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
    private readonly project: string,
  ) {}

  async add(rows: readonly EndpointRequestStatsRow[]): Promise<void> {
    // One statement may not touch a row twice (PostgreSQL refuses): merge rows of the same key first.
    const merged = new Map<string, { project: string; endpoint: string; variant: string; writer: string; bucket: number; answered: number; client_errors: number; server_errors: number }>();
    for (const r of rows) {
      const bucket = Math.floor(r.bucket);
      const key = `${r.endpoint}\u0000${r.variant}\u0000${r.writer}\u0000${bucket}`;
      const m = merged.get(key);
      if (m) {
        m.answered += r.answered;
        m.client_errors += r.clientErrors;
        m.server_errors += r.serverErrors;
      } else merged.set(key, { project: this.project, endpoint: r.endpoint, variant: r.variant, writer: r.writer, bucket, answered: r.answered, client_errors: r.clientErrors, server_errors: r.serverErrors });
    }
    if (merged.size === 0) return;
    const values = [...merged.values()];
    const run = async (trx: Kysely<KilnDatabase>): Promise<void> => {
      for (let i = 0; i < values.length; i += CHUNK) {
        await trx
          .insertInto('endpoint_request_stats')
          .values(values.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.columns(['project', 'endpoint', 'bucket', 'variant', 'writer']).doUpdateSet({
              answered: sql`endpoint_request_stats.answered + excluded.answered`,
              client_errors: sql`endpoint_request_stats.client_errors + excluded.client_errors`,
              server_errors: sql`endpoint_request_stats.server_errors + excluded.server_errors`,
            }),
          )
          .execute();
      }
    };
    if (this.inTransaction) await run(this.db);
    else await this.db.transaction().execute((trx: Transaction<KilnDatabase>) => run(trx));
  }

  async window(endpoint: string, from: number, to: number): Promise<RequestStatsBucket[]> {
    const rows = await this.db
      .selectFrom('endpoint_request_stats')
      .select((eb) => [
        'variant',
        'bucket',
        eb.fn.sum<number | string>('answered').as('answered'),
        eb.fn.sum<number | string>('client_errors').as('client_errors'),
        eb.fn.sum<number | string>('server_errors').as('server_errors'),
        eb.fn.countAll<number | string>().as('writers'),
      ])
      .where('project', '=', this.project)
      .where('endpoint', '=', endpoint)
      .where('bucket', '>=', Math.ceil(from))
      .where('bucket', '<', Math.ceil(to))
      .groupBy(['bucket', 'variant'])
      .orderBy('bucket')
      .orderBy('variant')
      .execute();
    return rows.map((r) => ({ endpoint, variant: r.variant, bucket: Number(r.bucket), answered: Number(r.answered), clientErrors: Number(r.client_errors), serverErrors: Number(r.server_errors), writers: Number(r.writers) }));
  }

  async prune(before: number): Promise<number> {
    const res = await this.db.deleteFrom('endpoint_request_stats').where('bucket', '<', Math.floor(before)).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
