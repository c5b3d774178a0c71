/**
 * On-demand features in training sets: after the point-in-time join has produced every view feature
 * (including those read only as on-demand inputs), the inputs are read back in row-number chunks, the
 * expressions evaluated by the same evaluator online reads use (on-demand.ts), and the results stored in
 * a temp table keyed by row number that the final `COPY` joins. Request fields are columns of the
 * entities file, cast to their declared types (a value that does not cast is an error naming the column).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdentifier as q, quoteLiteral } from '../data/io/sql-quote.js';
import type { OnDemandFeatureView, OnDemandInput } from './on-demand.js';
import { computeOnDemand } from './on-demand.js';
import { duckTypeOf } from './source-columns.js';

/** One on-demand view's part of a training set. */
export interface OnDemandPart {
  readonly odfv: OnDemandFeatureView;
  readonly features: readonly string[];
  readonly inputs: readonly OnDemandInput[];
}

/** Rows per evaluation chunk: bounded memory whatever the entity count. */
const CHUNK = 50_000;
/** Rows per INSERT statement. */
const INSERT_ROWS = 2_000;

type Scalar = string | number | boolean | null;

const toScalar = (v: unknown): Scalar => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
};

const literal = (v: Scalar): string => (v === null ? 'NULL' : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'NULL') : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : quoteLiteral(v));

/**
 * Compute `parts` over `table` (one row per entity row: `rowColumn` plus every input column) into the temp
 * table `target` (`rowColumn`, then one column per derived feature, named `odfv__feature`).
 */
export async function computeOnDemandTable(conn: DuckDBConnection, table: string, rowColumn: string, parts: readonly OnDemandPart[], target: string): Promise<string[]> {
  const columns = parts.flatMap((p) => p.features.map((f) => `${p.odfv.name}__${f}`));
  const types = parts.flatMap((p) => p.features.map((f) => duckTypeOf((p.odfv.features.find((x) => x.name === f) as OnDemandFeatureView['features'][number]).type)));
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${target} (${q(rowColumn)} BIGINT, ${columns.map((c, i) => `${q(c)} ${types[i]}`).join(', ')})`);
  const inputs = [...new Map(parts.flatMap((p) => p.inputs.map((i) => [i.column, i] as const))).values()];
  const select = inputs.map((i) => (i.view === undefined ? `CAST(${q(i.column)} AS ${duckTypeOf(i.type)})` : q(i.column))).join(', ');
  let last = 0;
  for (;;) {
    const rows = (await conn.runAndReadAll(`SELECT ${q(rowColumn)} AS r${select ? `, ${select}` : ''} FROM ${table} WHERE ${q(rowColumn)} > ${last} ORDER BY ${q(rowColumn)} LIMIT ${CHUNK}`)).getRows();
    if (rows.length === 0) break;
    last = Number(rows[rows.length - 1][0]);
    const values = new Map(inputs.map((input, c) => [input.column, rows.map((r) => toScalar(r[c + 1]))]));
    const computed = parts.flatMap((p) => computeOnDemand(p.odfv, p.features, p.inputs, p.inputs.map((i) => values.get(i.column) as Scalar[]), rows.length));
    for (let start = 0; start < rows.length; start += INSERT_ROWS) {
      const tuples: string[] = [];
      for (let i = start; i < Math.min(rows.length, start + INSERT_ROWS); i++) tuples.push(`(${Number(rows[i][0])}, ${computed.map((col) => literal(col[i])).join(', ')})`);
      await conn.run(`INSERT INTO ${target} VALUES ${tuples.join(', ')}`);
    }
  }
  return columns;
}
