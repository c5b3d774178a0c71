/**
 * What makes source rows "the same (join keys, event time)" to every path that reads a feature view's source:
 * the scan join, the offline index and materialization. Keys are compared as text (`keyText`) and event times
 * as TIMESTAMPTZ, so one value written two ways is one value: `7` and `7.0` in a float column, or
 * `2026-01-01T00:00:00Z`, `2026-01-01 00:00:00` and `2026-01-01T02:00:00+02:00` in a text column. The
 * de-duplication window partitions on exactly those values; it names the raw column only where the cast is
 * one-to-one on the column's type (partitioning on computed casts costs about 2x the CPU of raw columns).
 */
import type { DescribedSource } from '../data/io/describe-source.js';
import { quoteIdentifier as q } from '../data/io/sql-quote.js';
import type { FeatureViewDefinition } from './definitions.js';

/** Column types whose cast to TIMESTAMPTZ (microseconds, session time zone UTC) keeps distinct values distinct. */
const EXACT_TIME_TYPES = new Set(['TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ', 'TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'DATE']);

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

/** Expressions equal exactly when the rows' `keyText`s are equal (the raw column where its text cast is one-to-one). */
export function sameKeys(keys: readonly string[], source: DescribedSource): string[] {
  return keys.map((k) => {
    const type = typeOf(k, source);
    return type === 'DOUBLE' || type === 'FLOAT' ? keyText(k, source) : q(k);
  });
}

/** An expression equal exactly when the rows' `eventTime`s are equal. */
export function sameEventTime(column: string, source: DescribedSource): string {
  return EXACT_TIME_TYPES.has(typeOf(column, source)) ? q(column) : eventTime(column);
}

/** Among rows at one (keys, event time), the winner first: the greatest created time (none loses), then the later source row (`__kiln_ord`). */
export function tieOrder(view: FeatureViewDefinition): string {
  const created = view.source.createdTimestampField;
  return `${created ? `TRY_CAST(${q(created)} AS TIMESTAMPTZ) DESC NULLS LAST, ` : ''}__kiln_ord DESC`;
}

/** The window over a numbered source (`__kiln_ord`) whose `row_number() = 1` is the one row per (keys, event time). */
export function winnerWindow(view: FeatureViewDefinition, keys: readonly string[], source: DescribedSource): { readonly partition: string; readonly order: string } {
  return { partition: `PARTITION BY ${[...sameKeys(keys, source), sameEventTime(view.source.timestampField, source)].join(', ')}`, order: tieOrder(view) };
}
