/**
 * `profileFrames`: one streaming pass over a sequence of Frame chunks that builds the profile JSON
 * (`profileVersion: 1`). Memory is bounded by the options, not the data: exact quantiles keep at most
 * `exactQuantileLimit` values per numeric column, exact distinct counts at most `exactDistinctLimit`
 * keys, duplicate detection 16–32 bytes per distinct row.
 */
import { UsageError, InputError } from '../../core/errors.js';
import { float64Values, isoTimestamp } from '../../core/frame.js';
import type { Column, Frame } from '../../core/frame.js';
import type { ColumnType } from '../../core/schema.js';
import { CategoryAccumulator } from './category-accumulator.js';
import { CramersVAccumulator } from './cramers-v-accumulator.js';
import { DuplicateRowCounter } from './duplicate-row-counter.js';
import { NumericAccumulator } from './numeric-accumulator.js';
import { PearsonAccumulator } from './pearson-accumulator.js';
import { detectPii } from '../../security/pii/detect-pii.js';
import { PROFILE_VERSION } from './profile-types.js';
import type { ColumnProfile, CorrelationMatrix, Profile, ProfileOptions } from './profile-types.js';

/** Options with every default filled in. */
type ResolvedOptions = Required<Omit<ProfileOptions, 'onProgress'>> & Pick<ProfileOptions, 'onProgress'>;

/** Bytes per row of each column type's typed array (text: one reference). */
const ROW_BYTES: Record<ColumnType, number> = { numeric: 8, int64: 8, timestamp: 8, categorical: 4, boolean: 1, text: 8 };

/** Default of `correlationMaxColumns`: 100 columns = 5,050 pairs, milliseconds a chunk. */
const CORRELATION_MAX_COLUMNS = 100;

interface ColumnState {
  name: string;
  type: ColumnType;
  numeric: NumericAccumulator | null;
  category: CategoryAccumulator | null;
}

/** Values per column checked for personal data. */
const PII_SAMPLE_ROWS = 1000;

/** Profile a stream of Frame chunks (same column names and types in every chunk) in one pass. */
export async function profileFrames(chunks: AsyncIterable<Frame> | Iterable<Frame>, opts: ProfileOptions = {}): Promise<Profile> {
  const o = resolveOptions(opts);
  let states: ColumnState[] | null = null;
  let rows = 0;
  const duplicates = new DuplicateRowCounter();
  let pearson: PearsonAccumulator | null = null;
  let cramer: CramersVAccumulator | null = null;
  let pearsonIdx: number[] = [];
  let cramerIdx: number[] = [];
  let pearsonOmitted = 0;
  let cramerOmitted = 0;
  let chunkNo = 0;
  // PII detection looks at the first values of each column: keep the leading chunks until enough rows.
  const piiSample: Frame[] = [];
  let piiRows = 0;
  for await (const frame of chunks) {
    if (piiRows < PII_SAMPLE_ROWS) {
      piiSample.push(frame);
      piiRows += frame.rowCount;
    }
    if (states === null) {
      states = frame.columns.map((c) => newState(c, o));
      if (o.correlation) {
        pearsonIdx = indicesOf(frame.columns, (c) => c.type === 'numeric' || c.type === 'int64');
        cramerIdx = indicesOf(frame.columns, (c) => c.type === 'categorical' || c.type === 'boolean');
        pearsonOmitted = Math.max(0, pearsonIdx.length - o.correlationMaxColumns);
        cramerOmitted = Math.max(0, cramerIdx.length - o.correlationMaxColumns);
        pearsonIdx = pearsonIdx.slice(0, o.correlationMaxColumns);
        cramerIdx = cramerIdx.slice(0, o.correlationMaxColumns);
        pearson = new PearsonAccumulator(pearsonIdx.map((i) => frame.columns[i].name));
        cramer = new CramersVAccumulator(cramerIdx.map((i) => frame.columns[i].name), o.cramersVMaxCategories);
      }
    } else {
      checkSameLayout(states, frame, chunkNo);
    }
    const cols = frame.columns;
    for (let c = 0; c < cols.length; c++) addColumn(states[c], cols[c]);
    duplicates.add(frame);
    if (pearson !== null) pearson.add(pearsonIdx.map((i) => float64Values(cols[i] as Parameters<typeof float64Values>[0])));
    if (cramer !== null) cramer.add(cramerIdx.map((i) => cols[i]));
    rows += frame.rowCount;
    chunkNo++;
    o.onProgress?.(rows);
  }
  const columnStates = states ?? [];
  const pii = new Map((await detectPii(piiSample, { sampleSize: PII_SAMPLE_ROWS })).map((f) => [f.column, f]));
  let memoryBytes = 0;
  const columns = columnStates.map((s) => {
    const { profile, stringBytes } = finishColumn(s, rows, o);
    memoryBytes += ROW_BYTES[s.type] * rows + stringBytes;
    const found = pii.get(s.name);
    return { ...profile, pii: found ? { kind: found.kind, confidence: found.confidence, matches: found.matches, checked: found.checked, evidence: found.evidence } : null };
  });
  return {
    profileVersion: PROFILE_VERSION,
    rows,
    columnCount: columns.length,
    columns,
    duplicateRows: duplicates.count,
    memoryBytes,
    correlations: o.correlation
      ? {
          pearson: withOmitted(pearson?.result() ?? { columns: [], matrix: [] }, pearsonOmitted, o.correlationMaxColumns, 'numeric'),
          cramersV: withOmitted(cramer?.result() ?? { columns: [], matrix: [], skipped: [] }, cramerOmitted, o.correlationMaxColumns, 'categorical/boolean'),
        }
      : null,
  };
}

function withOmitted<T extends CorrelationMatrix>(m: T, omitted: number, limit: number, kind: string): T {
  if (omitted === 0) return m;
  return { ...m, omitted: { columns: omitted, limit, reason: `only the first ${limit} ${kind} columns are correlated; pairwise work grows with the square of the columns (option correlationMaxColumns)` } };
}

/** Profile one in-memory Frame (same result as streaming it in chunks). */
export function profileFrame(frame: Frame, opts: ProfileOptions = {}): Promise<Profile> {
  return profileFrames([frame], opts);
}

function resolveOptions(opts: ProfileOptions): ResolvedOptions {
  const o: ResolvedOptions = {
    histogramBins: opts.histogramBins ?? 20,
    topK: opts.topK ?? 10,
    exactDistinctLimit: opts.exactDistinctLimit ?? 100_000,
    exactQuantileLimit: opts.exactQuantileLimit ?? 1_000_000,
    correlation: opts.correlation ?? true,
    correlationMaxColumns: opts.correlationMaxColumns ?? CORRELATION_MAX_COLUMNS,
    cramersVMaxCategories: opts.cramersVMaxCategories ?? 50,
    onProgress: opts.onProgress,
  };
  positiveInt('histogramBins', o.histogramBins, 1);
  positiveInt('topK', o.topK, 0);
  positiveInt('exactDistinctLimit', o.exactDistinctLimit, 1);
  positiveInt('exactQuantileLimit', o.exactQuantileLimit, 1);
  positiveInt('correlationMaxColumns', o.correlationMaxColumns, 1);
  positiveInt('cramersVMaxCategories', o.cramersVMaxCategories, 2);
  return o;
}

function positiveInt(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new UsageError(`profile option ${field} must be an integer >= ${min}, got ${String(value)}`, { field }, `Pass ${field}: ${min} or more.`);
  }
}

function indicesOf(cols: readonly Column[], pred: (c: Column) => boolean): number[] {
  const out: number[] = [];
  cols.forEach((c, i) => {
    if (pred(c)) out.push(i);
  });
  return out;
}

function newState(col: Column, o: ResolvedOptions): ColumnState {
  const numeric = col.type === 'numeric' || col.type === 'int64' || col.type === 'timestamp';
  return {
    name: col.name,
    type: col.type,
    numeric: numeric ? new NumericAccumulator(o.exactQuantileLimit, o.exactDistinctLimit) : null,
    category: numeric ? null : new CategoryAccumulator(col.type as 'categorical' | 'boolean' | 'text', o.exactDistinctLimit),
  };
}

function checkSameLayout(states: readonly ColumnState[], frame: Frame, chunkNo: number): void {
  const cols = frame.columns;
  const expected = states.map((s) => s.name).join(', ');
  if (cols.length !== states.length) {
    throw new InputError(
      `chunk ${chunkNo} has ${cols.length} columns, the first chunk had ${states.length}`,
      { chunk: chunkNo },
      `Every chunk must have the columns ${expected}.`,
    );
  }
  for (let c = 0; c < cols.length; c++) {
    if (cols[c].name !== states[c].name || cols[c].type !== states[c].type) {
      throw new InputError(
        `chunk ${chunkNo} column ${c} is "${cols[c].name}" (${cols[c].type}), the first chunk had "${states[c].name}" (${states[c].type})`,
        { chunk: chunkNo, column: cols[c].name },
        `Every chunk must have the columns ${expected}, with the same types.`,
      );
    }
  }
}

function addColumn(s: ColumnState, col: Column): void {
  switch (col.type) {
    case 'numeric':
    case 'timestamp':
      (s.numeric as NumericAccumulator).add(col.values);
      return;
    case 'int64':
      // Statistics of int64 columns are computed in float64 (exact up to 2^53); the values stay exact.
      (s.numeric as NumericAccumulator).add(float64Values(col));
      return;
    case 'categorical':
      (s.category as CategoryAccumulator).addCategorical(col.codes, col.categories);
      return;
    case 'boolean':
      (s.category as CategoryAccumulator).addBoolean(col.values);
      return;
    case 'text':
      (s.category as CategoryAccumulator).addText(col.values);
      return;
  }
}

function finishColumn(s: ColumnState, rows: number, o: ResolvedOptions): { profile: Omit<ColumnProfile, 'pii'>; stringBytes: number } {
  const missingFraction = (missing: number): number => (rows === 0 ? 0 : missing / rows);
  if (s.numeric !== null) {
    const n = s.numeric.summary(o.histogramBins);
    const isTime = s.type === 'timestamp';
    const iso = (v: number | null): string | null => (v === null ? null : isoTimestamp(v));
    return {
      stringBytes: 0,
      profile: {
        name: s.name,
        type: s.type,
        count: n.count,
        missing: n.missing,
        missingFraction: missingFraction(n.missing),
        distinct: n.distinct,
        distinctExact: n.distinctExact,
        mean: n.mean,
        std: n.std,
        min: isTime ? iso(n.min) : n.min,
        max: isTime ? iso(n.max) : n.max,
        quantiles: n.quantiles,
        quantilesExact: n.count === 0 ? null : n.quantilesExact,
        zeros: isTime ? null : n.zeros,
        negatives: isTime ? null : n.negatives,
        infinite: isTime ? null : n.infinite,
        outliers: n.outliers,
        histogram: n.histogram,
        topCategories: null,
        otherCount: null,
        topCategoriesExact: null,
        stringLength: null,
      },
    };
  }
  const c = (s.category as CategoryAccumulator).summary(o.topK);
  return {
    stringBytes: c.stringBytes,
    profile: {
      name: s.name,
      type: s.type,
      count: c.count,
      missing: c.missing,
      missingFraction: missingFraction(c.missing),
      distinct: c.distinct,
      distinctExact: c.distinctExact,
      mean: null,
      std: null,
      min: null,
      max: null,
      quantiles: null,
      quantilesExact: null,
      zeros: null,
      negatives: null,
      infinite: null,
      outliers: null,
      histogram: null,
      topCategories: c.topCategories,
      otherCount: c.otherCount,
      topCategoriesExact: c.topCategoriesExact,
      stringLength: c.stringLength,
    },
  };
}
