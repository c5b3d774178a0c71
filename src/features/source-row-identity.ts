/**
 * What makes source rows "the same (join keys, event time)" to every path that reads a feature view's source:
 * the scan join, the offline index and materialization. Keys are compared as text (`keyText`) and event times
 * as TIMESTAMPTZ, so one value written two ways is one value: `7` and `7.0` in a float column, or
 * `2026-01-01T00:00:00Z`, `2026-01-01 00:00:00` and `2026-01-01T02:00:00+02:00` in a text column. The
 * de-duplication windows partition on exactly those values (`comparedRows`, `winnerWindow`).
 */
import type { DescribedSource } from '../data/io/describe-source.js';
import { quoteIdentifier as q } from '../data/io/sql-quote.js';
import type { FeatureViewDefinition } from './definitions.js';

const typeOf = (column: string, source: DescribedSource): string => source.columns.find((c) => c.name === column)?.duckType ?? '';
const ref = (column: string, alias?: string): string => (alias === undefined ? q(column) : `${alias}.${q(column)}`);

/**
 * A join key as text, the same for the same value whatever the column type: a float column holding whole
 * numbers (PostgreSQL integers arrive as float64) reads `1`, as an integer column does, not `1.0`.
 */
export function keyText(column: string, source: DescribedSource, alias?: string): string {
  const type = typeOf(column, source);
  const c = ref(column, alias);
  if (type !== 'DOUBLE' && type !== 'FLOAT') return `CAST(${c} AS VARCHAR)`;
  return `CASE WHEN ${c} = trunc(${c}) AND abs(${c}) < 9007199254740992 THEN CAST(CAST(${c} AS BIGINT) AS VARCHAR) ELSE CAST(${c} AS VARCHAR) END`;
}

/** An event (or created) time as the instant every comparison uses. */
export function eventTime(column: string, alias?: string): string {
  return `CAST(${ref(column, alias)} AS TIMESTAMPTZ)`;
}

/** Column `i` of `comparedRows`: join key `keys[i]` as `keyText`. */
export function comparedKey(i: number): string {
  return `__kiln_k${i}`;
}

/** Column of `comparedRows`: the event time as `eventTime`. */
export const COMPARED_TIME = '__kiln_fts';

/**
 * The rows of a numbered source (`__kiln_ord`) with non-null keys, every source column plus the values compared:
 * `comparedKey(i)` and `COMPARED_TIME`. Computed once per row in this projection: partitioning on the projected
 * TIMESTAMPTZ costs no more than on the raw text, where casting inside the window clauses cost ~1.5x.
 */
export function comparedRows(view: FeatureViewDefinition, keys: readonly string[], source: DescribedSource, numbered: string): string {
  const keyCols = keys.map((k, i) => `${keyText(k, source)} AS ${comparedKey(i)}`).join(', ');
  return `(SELECT *, ${keyCols}, ${eventTime(view.source.timestampField)} AS ${COMPARED_TIME} FROM ${numbered} WHERE ${keys.map((k) => `${q(k)} IS NOT NULL`).join(' AND ')})`;
}

/**
 * Columns of `comparedRows` equal exactly when the rows' key texts are: the raw column where its cast to text
 * is one-to-one (every type but floats, whose `7.0` and `7` are one key), which partitions ~2x cheaper.
 */
export function sameKeys(keys: readonly string[], source: DescribedSource): string[] {
  return keys.map((k, i) => {
    const type = typeOf(k, source);
    return type === 'DOUBLE' || type === 'FLOAT' ? comparedKey(i) : q(k);
  });
}

/** Among rows at one (keys, event time), the winner first: the greatest created time (none loses), then the later source row (`__kiln_ord`). */
export function tieOrder(view: FeatureViewDefinition): string {
  const created = view.source.createdTimestampField;
  return `${created ? `TRY_CAST(${q(created)} AS TIMESTAMPTZ) DESC NULLS LAST, ` : ''}__kiln_ord DESC`;
}

/** The window over `comparedRows` whose `row_number() = 1` is the one row per (keys, event time). */
export function winnerWindow(view: FeatureViewDefinition, keys: readonly string[], source: DescribedSource): { readonly partition: string; readonly order: string } {
  return { partition: `PARTITION BY ${[...sameKeys(keys, source), COMPARED_TIME].join(', ')}`, order: tieOrder(view) };
}
