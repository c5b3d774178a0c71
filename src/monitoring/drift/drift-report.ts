/**
 * The ad-hoc drift report between two datasets (what people use Evidently for): one streamed pass over
 * each side collects every column (numbers as the chunks' own arrays, categories as counts), then each
 * column present on both sides gets the default test for its kind and size (or an override) and a
 * verdict (text columns: distinct texts with counts, tested by out-of-vocabulary rate or length drift, or
 * as categories when a categorical test is chosen for them); the dataset drifts when the share of drifted columns reaches `datasetDriftShare` (0.5).
 * Columns found on one side only are listed, not tested. The JSON shape is docs/specs/drift-report.md.
 * Speed (issue #12, docs/benchmarks.md): numeric columns are gathered into per-slot buffers and sorted with
 * a sort scratch, all reused by every column, because first-touch page faults on fresh arrays cost more
 * here than copying and sorting the values; the sort is the exact bucket sort of core/stats/bucket-sort.ts.
 * With two threads the columns go in batches of two, a worker taking sorts and whole columns' statistics
 * (column-pair-sorter.ts), launched while the data is still being read (drift-columns.ts collects it);
 * outcomes are kept by position, so the report's order is the columns' order.
 */
import { UsageError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import { availableParallelism } from 'node:os';
import type { SharedJobPoolLauncher } from '../../ml/parallel/shared-job-pool.js';
import { ColumnPairSorter, launchSortWorker, PARALLEL_SORT_MIN_VALUES, SLOTS } from './column-pair-sorter.js';
import type { PairJob } from './column-pair-sorter.js';
import { collect, gatherFinite, hasFinite, largestNumeric, numericValues } from './drift-columns.js';
import type { Accumulator, CollectedSide } from './drift-columns.js';
import { DRIFT_TESTS, defaultDriftTest } from './drift-tests.js';
import type { DriftColumnKind, DriftSample } from './drift-tests.js';
import { normedWasserstein } from './normed-wasserstein.js';
import { PAIR_STATS, WASSERSTEIN_ALWAYS, WASSERSTEIN_IF_DEFAULT, WASSERSTEIN_NEVER } from './numeric-pair-stats.js';
import { sortedTextLengths } from './text-drift.js';

/** Options of `driftReport`. */
export interface DriftReportOptions {
  /** Only these columns (default: every column of the reference). */
  readonly columns?: readonly string[];
  /** Per-column test overrides: column -> test name. */
  readonly tests?: Readonly<Record<string, string>>;
  /** Per-column threshold overrides. */
  readonly thresholds?: Readonly<Record<string, number>>;
  /** Share of drifted columns at which the dataset drifts (default 0.5). */
  readonly datasetDriftShare?: number;
  /** Histogram bins kept per column for charts (default 20). */
  readonly chartBins?: number;
  /**
   * Threads for the numeric columns' sorts and statistics, 1 or 2 (default: 2 on a machine with two or more
   * cores when the numeric columns hold at least PARALLEL_SORT_MIN_VALUES values on both sides together,
   * else 1). The report is the same for either.
   */
  readonly threads?: number;
}

/** One column's result. */
export interface ColumnDrift {
  readonly column: string;
  readonly kind: DriftColumnKind;
  readonly test: string;
  readonly testTitle: string;
  readonly statistic: number;
  readonly pValue: number | null;
  readonly threshold: number;
  /** `p_value` tests drift when p < threshold; `distance` tests when statistic >= threshold. */
  readonly thresholdKind: 'p_value' | 'distance';
  readonly drifted: boolean;
  readonly reference: SideSummary;
  readonly current: SideSummary;
  /** For charts: shared bins with both sides' shares (text columns: their lengths). */
  readonly distribution: { readonly labels: string[]; readonly reference: number[]; readonly current: number[] };
}

/** Counts of one side of a column. */
export interface SideSummary {
  readonly count: number;
  readonly missing: number;
  readonly distinct: number;
}

/** The report (`kiln monitor drift --json`). */
export interface DriftReport {
  readonly reportVersion: 1;
  readonly reference: { readonly rows: number };
  readonly current: { readonly rows: number };
  readonly columns: ColumnDrift[];
  /** Columns on one side only, or empty on one side. */
  readonly skipped: { readonly column: string; readonly reason: string }[];
  readonly driftedColumns: number;
  readonly driftShare: number;
  readonly datasetDriftShare: number;
  readonly datasetDrift: boolean;
}

const EMPTY = new Float64Array(0);

/** Threads for the column sorts: as asked, else two for reports of `numericValues` or more on a machine with two cores or more. */
function sortThreads(asked: number | undefined, numericValues: number): number {
  if (asked !== undefined) return asked;
  return numericValues >= PARALLEL_SORT_MIN_VALUES && availableParallelism() >= 2 ? 2 : 1;
}

/** A side's values by category: counts as collected, or a numeric side's gathered values as strings. */
function asCategories(a: Accumulator, values: Float64Array): Map<string, number> {
  if (a.kind !== 'numeric') return a.counts;
  const m = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const k = String(values[i]);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function categorical(ref: Map<string, number>, cur: Map<string, number>): { labels: string[]; r: Float64Array; c: Float64Array } {
  const labels = [...new Set([...ref.keys(), ...cur.keys()])].sort((x, y) => (ref.get(y) ?? 0) - (ref.get(x) ?? 0) || (x < y ? -1 : x > y ? 1 : 0));
  return { labels, r: Float64Array.from(labels, (l) => ref.get(l) ?? 0), c: Float64Array.from(labels, (l) => cur.get(l) ?? 0) };
}

function shares(x: ArrayLike<number>): number[] {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return Array.from(x, (v) => (s > 0 ? v / s : 0));
}

/** Chart bins shared by both sides; numeric samples arrive sorted (the drift tests need them so anyway). */
function chartOf(ref: DriftSample, cur: DriftSample, labels: string[] | null, bins: number): ColumnDrift['distribution'] {
  if (ref.kind === 'categorical' && cur.kind === 'categorical') {
    const keep = Math.min(labels?.length ?? 0, bins);
    return { labels: (labels ?? []).slice(0, keep), reference: shares(ref.counts).slice(0, keep), current: shares(cur.counts).slice(0, keep) };
  }
  if (ref.kind !== 'numeric' || cur.kind !== 'numeric') return { labels: [], reference: [], current: [] };
  const lo = Math.min(ref.values[0], cur.values[0]);
  let hi = Math.max(ref.values[ref.values.length - 1], cur.values[cur.values.length - 1]);
  if (!(hi > lo)) hi = lo + 1;
  const binOf = (x: number): number => Math.min(bins - 1, Math.floor(((x - lo) / (hi - lo)) * bins));
  // binOf is monotone in x (IEEE subtraction, division and multiplication by positive constants never
  // reorder), so on a sorted sample each bin is one run: find the runs' ends by binary search.
  const count = (v: Float64Array): number[] => {
    const c = new Array<number>(bins).fill(0);
    let start = 0;
    for (let k = 0; k < bins && start < v.length; k++) {
      let from = start;
      let to = v.length;
      while (from < to) {
        const mid = (from + to) >>> 1;
        if (binOf(v[mid]) <= k) from = mid + 1;
        else to = mid;
      }
      c[k] = from - start;
      start = from;
    }
    return shares(c);
  };
  const fmt = (x: number): string => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-2 && x !== 0) ? x.toExponential(2) : String(Number(x.toPrecision(4))));
  return { labels: Array.from({ length: bins }, (_, k) => fmt(lo + ((hi - lo) * k) / bins)), reference: count(ref.values), current: count(cur.values) };
}

/** A numeric column's numbers measured with its sort (numeric-pair-stats.ts); `wasserstein` NaN when not measured. */
interface PairStats {
  readonly referenceDistinct: number;
  readonly currentDistinct: number;
  readonly wasserstein: number;
  readonly referenceStd: number;
}

/**
 * Test one column present on both sides: `rGathered`/`cGathered` are a numeric side's finite values (sorted
 * when both sides are numeric, then with their `stats`), empty for a side read as categories or texts.
 */
function testColumn(name: string, r: Accumulator, c: Accumulator, rGathered: Float64Array, cGathered: Float64Array, stats: PairStats | null, opts: DriftReportOptions): ColumnDrift {
  const bins = opts.chartBins ?? 20;
  const rn = r.kind === 'numeric' ? rGathered.length : [...r.counts.values()].reduce((a, b) => a + b, 0);
  const cn = c.kind === 'numeric' ? cGathered.length : [...c.counts.values()].reduce((a, b) => a + b, 0);
  const kind: DriftColumnKind = r.kind === c.kind && r.kind !== 'categorical' ? r.kind : 'categorical';
  const numeric = kind === 'numeric' && stats !== null;
  const rValues = numeric ? rGathered : EMPTY;
  const cValues = numeric ? cGathered : EMPTY;
  const distinct = numeric ? stats.referenceDistinct : asCategories(r, rGathered).size;
  const testName = opts.tests?.[name] ?? defaultDriftTest(kind, rn, distinct);
  const test = DRIFT_TESTS[testName];
  // A text column under a categorical test is compared text by text (what Kiln did before text tests).
  const textAsCategories = kind === 'text' && !test.appliesTo.includes('text') && test.appliesTo.includes('categorical');
  if (!test.appliesTo.includes(kind) && !textAsCategories) throw new UsageError(`drift test "${testName}" does not apply to ${kind} column "${name}"`, { column: name, field: 'tests' });
  // Low-cardinality numbers tested by category tests are compared value by value, as Evidently does.
  const byCategory = kind === 'categorical' || textAsCategories || (kind === 'numeric' && distinct <= 5 && testName !== 'ks' && testName !== 'wasserstein');
  let rs: DriftSample;
  let cs: DriftSample;
  let labels: string[] | null = null;
  let chart: ColumnDrift['distribution'] | null = null;
  if (kind === 'text' && !textAsCategories) {
    rs = { kind: 'text', texts: r.counts };
    cs = { kind: 'text', texts: c.counts };
    chart = chartOf({ kind: 'numeric', values: sortedTextLengths(r.counts) }, { kind: 'numeric', values: sortedTextLengths(c.counts) }, null, bins);
  } else if (byCategory) {
    const cat = categorical(asCategories(r, rGathered), asCategories(c, cGathered));
    labels = cat.labels;
    rs = { kind: 'categorical', counts: cat.r };
    cs = { kind: 'categorical', counts: cat.c };
  } else {
    rs = { kind: 'numeric', values: rValues };
    cs = { kind: 'numeric', values: cValues };
  }
  // The distance measured with the sort is what the registry's test computes on the same sorted values.
  const out = testName === 'wasserstein' && numeric && !Number.isNaN(stats.wasserstein) ? { statistic: normedWasserstein(stats.wasserstein, stats.referenceStd), pValue: null } : test.run(rs, cs);
  const threshold = opts.thresholds?.[name] ?? test.defaultThreshold;
  const drifted = test.kind === 'p_value' ? (out.pValue ?? 1) < threshold : out.statistic >= threshold;
  return {
    column: name,
    kind,
    test: testName,
    testTitle: test.title,
    statistic: out.statistic,
    pValue: out.pValue,
    threshold,
    thresholdKind: test.kind,
    drifted,
    reference: { count: rn, missing: r.missing, distinct },
    current: { count: cn, missing: c.missing, distinct: numeric ? stats.currentDistinct : asCategories(c, cGathered).size },
    distribution: chart ?? chartOf(rs, cs, labels, bins),
  };
}

/**
 * Compare two datasets column by column. The chunks' numeric arrays are read in place until the report
 * returns (not copied): a source must not overwrite a frame's arrays after yielding it (Kiln's readers
 * hand every chunk over).
 */
export async function driftReport(reference: AsyncIterable<Frame> | Iterable<Frame>, current: AsyncIterable<Frame> | Iterable<Frame>, opts: DriftReportOptions = {}): Promise<DriftReport> {
  for (const [col, test] of Object.entries(opts.tests ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(DRIFT_TESTS, test)) throw new UsageError(`unknown drift test "${test}" for column "${col}" (known: ${Object.keys(DRIFT_TESTS).join(', ')})`, { field: 'tests', column: col });
  }
  if (opts.threads !== undefined && opts.threads !== 1 && opts.threads !== 2) throw new UsageError(`threads must be 1 or 2 (got ${opts.threads})`, { field: 'threads' });
  const wanted = opts.columns ? new Set(opts.columns) : null;
  // The sorting worker is launched as soon as the report will use it (threads: 2, or enough numbers read
  // so far), so that it loads its modules while the rest is read instead of after.
  let launched: SharedJobPoolLauncher | null = null;
  let referenceValues = 0;
  const launchWhenWanted = (values: number): void => {
    if (!launched && sortThreads(opts.threads, values) === 2) launched = launchSortWorker();
  };
  launchWhenWanted(0);
  try {
    const ref = await collect(reference, wanted, launchWhenWanted);
    referenceValues = numericValues(ref.accs);
    const cur = await collect(current, wanted, (values) => launchWhenWanted(referenceValues + values));
    if (ref.rows === 0) throw new UsageError('the reference data has no rows', { field: 'reference' });
    if (cur.rows === 0) throw new UsageError('the current data has no rows', { field: 'current' });
    for (const c of opts.columns ?? []) if (!ref.accs.has(c) && !cur.accs.has(c)) throw new UsageError(`column "${c}" is in neither dataset`, { column: c, field: 'columns' });
    const sorter = ColumnPairSorter.open(largestNumeric(ref.accs), largestNumeric(cur.accs), sortThreads(opts.threads, referenceValues + numericValues(cur.accs)), launched);
    launched = null;
    return await testColumns(ref, cur, sorter, wanted, opts);
  } finally {
    // Only when the report failed before its sorter took the worker.
    await (launched as SharedJobPoolLauncher | null)?.close();
  }
}

/** The report's second half: test every column present on both sides, then close `sorter`. */
async function testColumns(ref: CollectedSide, cur: CollectedSide, sorter: ColumnPairSorter, wanted: ReadonlySet<string> | null, opts: DriftReportOptions): Promise<DriftReport> {
  const shareLimit = opts.datasetDriftShare ?? 0.5;
  const names = [...ref.order.filter((n) => !wanted || wanted.has(n)), ...cur.order.filter((n) => (!wanted || wanted.has(n)) && !ref.accs.has(n))];
  // Each name's outcome by position: numeric columns finish a batch later than the columns read after them.
  const outcomes: (ColumnDrift | DriftReport['skipped'][number])[] = [];
  const batch: { index: number; name: string; r: Accumulator; c: Accumulator; job: PairJob }[] = [];
  const flush = (): void => {
    sorter.measure(
      batch.map((p) => p.job),
      (k, side) => (side === 0 ? gatherFinite(batch[k].r, sorter.reference[k]) : gatherFinite(batch[k].c, sorter.current[k])),
    );
    batch.forEach((p, k) => {
      const rValues = sorter.reference[k].subarray(0, sorter.referenceCount(k));
      const cValues = sorter.current[k].subarray(0, sorter.currentCount(k));
      const at = PAIR_STATS * k;
      const st = sorter.stats;
      outcomes[p.index] = testColumn(p.name, p.r, p.c, rValues, cValues, { referenceDistinct: st[at], currentDistinct: st[at + 1], wasserstein: st[at + 2], referenceStd: st[at + 3] }, opts);
    });
    batch.length = 0;
  };
  try {
    for (let index = 0; index < names.length; index++) {
      const name = names[index];
      const r = ref.accs.get(name);
      const c = cur.accs.get(name);
      if (!r || !c) {
        outcomes[index] = { column: name, reason: `not in the ${r ? 'current' : 'reference'} data` };
        continue;
      }
      // Numeric sides are gathered into a slot's buffers (reused by every column) and sorted there in place,
      // both sides of a batch's columns by the sorter (which overlaps the gathers with the worker's sorts);
      // a column read as numbers on one side only is compared by category, from slot 0 once the batch is done.
      const pair = r.kind === 'numeric' && c.kind === 'numeric';
      if (pair) {
        const rEmpty = !hasFinite(r);
        if (rEmpty || !hasFinite(c)) {
          outcomes[index] = { column: name, reason: `all values are missing in the ${rEmpty ? 'reference' : 'current'} data` };
          continue;
        }
        const chosen = opts.tests?.[name];
        batch.push({ index, name, r, c, job: { wasserstein: chosen === undefined ? WASSERSTEIN_IF_DEFAULT : chosen === 'wasserstein' ? WASSERSTEIN_ALWAYS : WASSERSTEIN_NEVER } });
      } else {
        if (batch.length > 0 && (r.kind === 'numeric' || c.kind === 'numeric')) flush();
        const rGathered = r.kind === 'numeric' ? sorter.reference[0].subarray(0, gatherFinite(r, sorter.reference[0])) : EMPTY;
        const cGathered = c.kind === 'numeric' ? sorter.current[0].subarray(0, gatherFinite(c, sorter.current[0])) : EMPTY;
        const rn = r.kind === 'numeric' ? rGathered.length : [...r.counts.values()].reduce((a, b) => a + b, 0);
        const cn = c.kind === 'numeric' ? cGathered.length : [...c.counts.values()].reduce((a, b) => a + b, 0);
        if (rn === 0 || cn === 0) outcomes[index] = { column: name, reason: `all values are missing in the ${rn === 0 ? 'reference' : 'current'} data` };
        else outcomes[index] = testColumn(name, r, c, rGathered, cGathered, null, opts);
        continue;
      }
      // Until the worker is ready the calling thread takes columns one at a time, looking for its ready
      // message between them: the worker starts sharing a column sooner.
      if (batch.length === SLOTS || !sorter.sharing) {
        await sorter.yieldToPool();
        flush();
      }
    }
    if (batch.length > 0) flush();
  } finally {
    await sorter.close();
  }
  const columns: ColumnDrift[] = [];
  const skipped: DriftReport['skipped'] = [];
  for (const o of outcomes) {
    if ('reason' in o) skipped.push(o);
    else columns.push(o);
  }
  const drifted = columns.filter((c) => c.drifted).length;
  const share = columns.length > 0 ? drifted / columns.length : 0;
  return { reportVersion: 1, reference: { rows: ref.rows }, current: { rows: cur.rows }, columns, skipped, driftedColumns: drifted, driftShare: share, datasetDriftShare: shareLimit, datasetDrift: columns.length > 0 && share >= shareLimit };
}
