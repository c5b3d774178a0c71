/**
 * Run search compiled to one SQL statement. Each filter clause becomes an indexed condition: attributes
 * compare columns of `runs`/`experiments`; `metrics.K`, `params.K` and `tags.K` become correlated
 * `exists` lookups on the (run_id, key) primary keys, or, when selective, are served through the
 * (key, value, run_id) indexes by the planner. Each order term is a left join on (run_id, key). Paging is
 * keyset over the order terms (NULLs last) then the run id; the cursor carries the last row's sort values
 * and a fingerprint of the search, so a cursor from another search is refused.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import type { MetadataDialect } from '../metadata-store.js';
import { decodeCursor, encodeCursor, pageLimit } from '../page.js';
import type { RunOrder, RunQueryClause, RunSearch } from '../run-repository.js';
import type { KilnDatabase } from './kiln-database.js';

/** A page of matching run ids, in order, and the next cursor. */
export interface RunIdPage {
  ids: string[];
  next: string | null;
}

const ATTRIBUTE_COLUMNS: Record<string, RawBuilder<unknown>> = {
  status: sql`r.status`,
  experiment: sql`e.name`,
  name: sql`r.name`,
  id: sql`r.id`,
  parentId: sql`r.parent_id`,
  startedAt: sql`r.started_at`,
  endedAt: sql`r.ended_at`,
};

const KIND_TABLE = { metric: 'run_latest_metrics', param: 'run_params', tag: 'run_tags' } as const;
const DEFAULT_ORDER: readonly RunOrder[] = [{ kind: 'attribute', key: 'startedAt', direction: 'desc' }];

/** Times compare as stored ISO-8601 strings, so a filter time is normalized the same way. */
function attributeValue(key: string, value: number | string): number | string {
  if (key === 'startedAt' || key === 'endedAt') return new Date(value).toISOString();
  return value;
}

/** SQLite's LIKE ignores ASCII case; GLOB with the pattern translated keeps `like` case-sensitive as on PostgreSQL. */
function likeToGlob(pattern: string): string {
  return pattern.replace(/[[*?%_]/g, (c) => (c === '%' ? '*' : c === '_' ? '?' : `[${c}]`));
}

function compare(column: RawBuilder<unknown>, op: RunQueryClause['op'], value: RunQueryClause['value'], dialect: MetadataDialect): RawBuilder<unknown> {
  if (op === 'in') return sql`${column} in (${sql.join((value as readonly (number | string)[]).map((v) => sql`${v}`))})`;
  const v = value as number | string;
  if (op === 'ilike') return sql`lower(${column}) like lower(${v})`;
  if (op === 'like') return dialect === 'sqlite' ? sql`${column} glob ${likeToGlob(String(v))}` : sql`${column} like ${v}`;
  return sql`${column} ${sql.raw(op === '!=' ? '<>' : op)} ${v}`;
}

function condition(clause: RunQueryClause, dialect: MetadataDialect): RawBuilder<unknown> {
  if (clause.kind === 'attribute') {
    const value = Array.isArray(clause.value) ? clause.value.map((v) => attributeValue(clause.key, v)) : attributeValue(clause.key, clause.value as number | string);
    return compare(ATTRIBUTE_COLUMNS[clause.key], clause.op, value, dialect);
  }
  const table = sql.table(KIND_TABLE[clause.kind]);
  return sql`exists (select 1 from ${table} f where f.run_id = r.id and f.key = ${clause.key} and ${compare(sql`f.value`, clause.op, clause.value, dialect)})`;
}

type SortValue = string | number | null;

function encodeSortValue(v: SortValue): string {
  return v === null ? '' : typeof v === 'number' ? `n${String(v)}` : `s${v}`;
}

function decodeSortValue(s: string): SortValue {
  return s === '' ? null : s[0] === 'n' ? Number(s.slice(1)) : s.slice(1);
}

/** Rows strictly after the cursor in (terms..., id) order with NULLs last. */
function afterCursor(exprs: readonly RawBuilder<unknown>[], orders: readonly RunOrder[], values: readonly SortValue[], id: string): RawBuilder<unknown> {
  let cond: RawBuilder<unknown> = sql`r.id > ${id}`;
  for (let i = exprs.length - 1; i >= 0; i--) {
    const x = exprs[i];
    const c = values[i];
    const strictly = c === null ? sql`1 = 0` : sql`(${x} is null or ${x} ${sql.raw(orders[i].direction === 'asc' ? '>' : '<')} ${c})`;
    const equal = c === null ? sql`${x} is null` : sql`${x} = ${c}`;
    cond = sql`(${strictly} or (${equal} and ${cond}))`;
  }
  return cond;
}

/** Runs the search within `project` and returns one page of run ids. */
export async function searchRunIds(db: Kysely<KilnDatabase>, dialect: MetadataDialect, project: string, search: RunSearch): Promise<RunIdPage> {
  const limit = pageLimit(search.page?.limit);
  const filter = search.filter ?? [];
  const orders = search.orderBy && search.orderBy.length > 0 ? search.orderBy : DEFAULT_ORDER;
  const experimentIds = search.experimentIds ?? null;
  const list = `runs:${createHash('sha256').update(JSON.stringify([project, filter, orders, experimentIds])).digest('base64url').slice(0, 16)}`;
  const joins: RawBuilder<unknown>[] = [];
  const exprs = orders.map((o, i) => {
    if (o.kind === 'attribute') return ATTRIBUTE_COLUMNS[o.key];
    const alias = sql.raw(`o${i}`);
    joins.push(sql`left join ${sql.table(KIND_TABLE[o.kind])} ${alias} on ${alias}.run_id = r.id and ${alias}.key = ${o.key}`);
    return sql`${alias}.value`;
  });
  // The project condition leads: runs_project_started_idx serves it with the default order.
  const conds = [sql`r.project = ${project}`, ...filter.map((c) => condition(c, dialect))];
  if (experimentIds !== null) {
    conds.push(experimentIds.length === 0 ? sql`1 = 0` : sql`r.experiment_id in (${sql.join(experimentIds.map((id) => sql`${id}`))})`);
  }
  if (search.page?.cursor != null) {
    const [id, ...encoded] = decodeCursor(list, search.page.cursor, ['string', ...orders.map(() => 'string' as const)]);
    conds.push(afterCursor(exprs, orders, encoded.map((s) => decodeSortValue(s as string)), id as string));
  }
  const where = sql`where ${sql.join(conds, sql` and `)}`;
  const orderSql = sql.join(
    [...exprs.map((x, i) => sql`(${x} is null), ${x} ${sql.raw(orders[i].direction)}`), sql`r.id asc`],
    sql`, `,
  );
  const selects = sql.join(exprs.map((x, i) => sql`${x} as ${sql.raw(`k${i}`)}`));
  const query = sql<Record<string, unknown>>`select r.id as id, ${selects} from runs r join experiments e on e.id = r.experiment_id ${joins.length > 0 ? sql.join(joins, sql` `) : sql``} ${where} order by ${orderSql} limit ${limit + 1}`;
  const { rows } = await query.execute(db);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next =
    rows.length > limit && last !== undefined
      ? encodeCursor(list, [last.id as string, ...orders.map((_, i) => encodeSortValue(normalizeSortValue(last[`k${i}`])))])
      : null;
  return { ids: page.map((r) => r.id as string), next };
}

/** PostgreSQL hands some numbers back as strings only for bigint; values here are text or double. */
function normalizeSortValue(v: unknown): SortValue {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? v : String(v);
}
