/**
 * Suggest an expectation suite from data (one Frame or a stream of chunks, one pass). The rules, each
 * chosen so that the reference passes and typical corruptions fail (docs/specs/expectation-suite.md):
 * - completeness: a column with no missing value gets a row-level not-null check (Deequ's "complete if
 *   complete"); a column with some gets a max-missing bound at the upper end of a Wilson score interval;
 * - ranges: numeric and timestamp columns get the observed [min, max]; all-integer columns get an integer check;
 * - sets: categoricals get their allowed set when small (<= 20 values), or up to `maxSetSize` values when
 *   each value repeats (distinct ratio <= 0.1), so one unseen category is caught;
 * - uniqueness for key-like columns without duplicates; string lengths; named formats every value matches;
 * - the table: a row-count range and the column set.
 */
import { BOOL_MISSING, Frame } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import type { ColumnType } from '../../core/schema.js';
import { NAMED_FORMATS, formatPredicate } from './named-formats.js';
import type { NamedFormat } from './named-formats.js';
import { SUITE_VERSION, parseSuite } from './suite.js';
import type { Suite } from './suite.js';

/** Options of `suggestSuite`. */
export interface SuggestOptions {
  /** Suite name (default "suggested"). */
  readonly name?: string;
  /**
   * z of the Wilson score interval whose upper end bounds the missing fraction of a partly missing column
   * (default 3: a clean sample of the same process exceeds it about 0.1% of the time).
   */
  readonly missingZ?: number;
  /** Row-count range is [rows * (1 - m), rows * (1 + m)] (default 0.5). */
  readonly rowCountMargin?: number;
  /** Categorical columns with at most this many distinct, repeating values get an allowed set (default 100). */
  readonly maxSetSize?: number;
  /** Uniqueness is tracked up to this many distinct values per column (default 1,000,000). */
  readonly maxTrackedDistinct?: number;
}

interface ColumnStats {
  readonly name: string;
  readonly type: ColumnType;
  rows: number;
  missing: number;
  min: number;
  max: number;
  allInteger: boolean;
  distinct: Set<string | number> | null;
  duplicates: boolean;
  minLen: number;
  maxLen: number;
  formats: Set<NamedFormat>;
}

const PREDICATES = NAMED_FORMATS.map((f) => [f, formatPredicate(f)] as const);

function newStats(col: Column): ColumnStats {
  return { name: col.name, type: col.type, rows: 0, missing: 0, min: Infinity, max: -Infinity, allInteger: true, distinct: new Set(), duplicates: false, minLen: Infinity, maxLen: -Infinity, formats: new Set(NAMED_FORMATS) };
}

function track(s: ColumnStats, key: string | number, cap: number): void {
  if (s.distinct === null) return;
  if (s.distinct.has(key)) s.duplicates = true;
  else if (s.distinct.size >= cap) s.distinct = null;
  else s.distinct.add(key);
}

function observeString(s: ColumnStats, v: string): void {
  if (v.length < s.minLen) s.minLen = v.length;
  if (v.length > s.maxLen) s.maxLen = v.length;
  if (s.formats.size > 0) for (const [f, test] of PREDICATES) if (s.formats.has(f) && !test(v)) s.formats.delete(f);
}

function observeColumn(s: ColumnStats, col: Column, cap: number): void {
  switch (col.type) {
    case 'numeric':
    case 'timestamp': {
      const v = col.values;
      s.rows += v.length;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x !== x) {
          s.missing++;
          continue;
        }
        if (x < s.min) s.min = x;
        if (x > s.max) s.max = x;
        if (!Number.isInteger(x)) s.allInteger = false;
        track(s, x, cap);
      }
      return;
    }
    case 'boolean': {
      const v = col.values;
      s.rows += v.length;
      for (let i = 0; i < v.length; i++) if (v[i] === BOOL_MISSING) s.missing++;
      s.duplicates = true;
      return;
    }
    case 'categorical': {
      const counts = new Int32Array(col.categories.length);
      const codes = col.codes;
      s.rows += codes.length;
      for (let i = 0; i < codes.length; i++) {
        const c = codes[i];
        if (c < 0) s.missing++;
        else counts[c]++;
      }
      for (let c = 0; c < counts.length; c++) {
        if (counts[c] === 0) continue;
        if (counts[c] > 1) s.duplicates = true;
        const v = col.categories[c];
        track(s, v, cap);
        observeString(s, v);
      }
      return;
    }
    case 'text': {
      const v = col.values;
      s.rows += v.length;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x === null) {
          s.missing++;
          continue;
        }
        track(s, x, cap);
        observeString(s, x);
      }
      return;
    }
  }
}

const ceil4 = (x: number): number => Math.min(1, Math.ceil(x * 10_000) / 10_000);

/** Categoricals with at most this many values always get an allowed set. */
const SMALL_SET = 20;
/** Larger sets (up to `maxSetSize`) only when values repeat: distinct / non-missing at most this. */
const MAX_SET_DISTINCT_RATIO = 0.1;

/** Upper end of the Wilson score interval for a proportion `k / n` at `z`. */
export function wilsonUpper(k: number, n: number, z: number): number {
  if (n === 0) return 1;
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.min(1, (centre + spread) / (1 + z2 / n));
}

function completeness(s: ColumnStats, opts: Required<SuggestOptions>): Record<string, unknown> {
  if (s.rows > 0 && s.missing === 0) return { type: 'column_values_not_null', column: s.name };
  return { type: 'column_max_missing', column: s.name, maxMissing: ceil4(wilsonUpper(s.missing, s.rows, opts.missingZ)) };
}

function columnExpectations(s: ColumnStats, opts: Required<SuggestOptions>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    { type: 'column_exists', column: s.name },
    { type: 'column_type', column: s.name, columnType: s.type },
    completeness(s, opts),
  ];
  const nonMissing = s.rows - s.missing;
  if (nonMissing === 0) return out;
  if (s.type === 'numeric') {
    out.push({ type: 'column_values_between', column: s.name, min: s.min, max: s.max });
    if (s.allInteger) out.push({ type: 'column_values_integer', column: s.name });
  }
  if (s.type === 'timestamp') out.push({ type: 'column_values_between', column: s.name, min: new Date(s.min).toISOString(), max: new Date(s.max).toISOString() });
  const setOk = (n: number): boolean => n <= SMALL_SET || (n <= opts.maxSetSize && n <= nonMissing * MAX_SET_DISTINCT_RATIO);
  if (s.type === 'categorical' && s.distinct !== null && setOk(s.distinct.size)) {
    out.push({ type: 'column_values_in_set', column: s.name, values: [...(s.distinct as Set<string>)].sort() });
  }
  const keyLike = s.type === 'text' || s.type === 'categorical' || (s.type === 'numeric' && s.allInteger);
  if (keyLike && s.distinct !== null && !s.duplicates && nonMissing >= 2) out.push({ type: 'column_values_unique', column: s.name });
  if (s.type === 'text' || s.type === 'categorical') {
    out.push({ type: 'column_value_lengths_between', column: s.name, min: s.minLen, max: s.maxLen });
    for (const f of NAMED_FORMATS) if (s.formats.has(f)) out.push({ type: 'column_values_match_format', column: s.name, format: f });
  }
  return out;
}

/** Suggest a suite that the given data passes. */
export async function suggestSuite(data: Frame | AsyncIterable<Frame> | Iterable<Frame>, options: SuggestOptions = {}): Promise<Suite> {
  const opts: Required<SuggestOptions> = {
    name: options.name ?? 'suggested',
    missingZ: options.missingZ ?? 3,
    rowCountMargin: options.rowCountMargin ?? 0.5,
    maxSetSize: options.maxSetSize ?? 100,
    maxTrackedDistinct: options.maxTrackedDistinct ?? 1_000_000,
  };
  const chunks: AsyncIterable<Frame> | Iterable<Frame> = data instanceof Frame ? [data] : data;
  const stats = new Map<string, ColumnStats>();
  let names: string[] | null = null;
  let rows = 0;
  for await (const frame of chunks) {
    names ??= frame.names;
    rows += frame.rowCount;
    for (const col of frame.columns) {
      let s = stats.get(col.name);
      if (!s) stats.set(col.name, (s = newStats(col)));
      observeColumn(s, col, opts.maxTrackedDistinct);
    }
  }
  const expectations: Record<string, unknown>[] = [
    { type: 'table_row_count_between', min: Math.floor(rows * (1 - opts.rowCountMargin)), max: Math.ceil(rows * (1 + opts.rowCountMargin)) },
    { type: 'table_columns_match', columns: names ?? [] },
  ];
  for (const name of names ?? []) expectations.push(...columnExpectations(stats.get(name) as ColumnStats, opts));
  return parseSuite({ suiteVersion: SUITE_VERSION, name: opts.name, expectations });
}
