/**
 * `PipelineSpec`: the plain, serializable description of a preprocessing pipeline (a column transformer).
 * Blocks pick columns by name or by type and apply steps to them in order; columns no block picks are
 * passed through or dropped (`remainder`). `validatePipelineSpec` checks a spec at the boundary and
 * names the offending block, step and parameter in a UsageError.
 */
import { UsageError } from '../../core/errors.js';
import { isColumnType } from '../../core/schema.js';
import type { ColumnType } from '../../core/schema.js';
import type { DatePart } from '../../runtime/preprocess/date-parts.js';
import { DATE_PARTS } from '../../runtime/preprocess/date-parts.js';

/** Fill missing values (sklearn SimpleImputer). */
export interface ImputeStep {
  readonly kind: 'impute';
  readonly strategy: 'mean' | 'median' | 'most_frequent' | 'constant';
  /** For `constant`: default 0 for numbers, "missing" for strings. */
  readonly fillValue?: number | string;
  /** Add `<column>__missing` (0/1) when the column had missing values at fit time. */
  readonly addIndicator?: boolean;
}
/** (x - mean) / std (sklearn StandardScaler). */
export interface StandardScaleStep {
  readonly kind: 'standard_scale';
  readonly withMean?: boolean;
  readonly withStd?: boolean;
}
/** Scale to a range (sklearn MinMaxScaler). */
export interface MinMaxScaleStep {
  readonly kind: 'min_max_scale';
  readonly featureRange?: readonly [number, number];
}
/** (x - median) / IQR (sklearn RobustScaler). */
export interface RobustScaleStep {
  readonly kind: 'robust_scale';
  readonly quantileRange?: readonly [number, number];
  readonly withCentering?: boolean;
  readonly withScaling?: boolean;
}
/** ln(1 + x); values <= -1 become NaN (`invalid: 'nan'`, default) or are rejected (`'error'`). */
export interface Log1pStep {
  readonly kind: 'log1p';
  readonly invalid?: 'nan' | 'error';
}
/** true/false -> 1/0. */
export interface BoolToNumberStep {
  readonly kind: 'bool_to_number';
}
/** One 0/1 column per category (sklearn OneHotEncoder, drop=None). */
export interface OneHotStep {
  readonly kind: 'one_hot';
  /** Categories seen fewer times (int) or in a smaller fraction of rows (0..1) share one column. */
  readonly minFrequency?: number;
  /** Keep at most this many output columns, the infrequent one included. */
  readonly maxCategories?: number;
  readonly handleUnknown?: 'infrequent' | 'ignore' | 'error';
}
/** Category -> integer code (sklearn OrdinalEncoder); `native` marks it categorical for trees. */
export interface OrdinalStep {
  readonly kind: 'ordinal';
  readonly minFrequency?: number;
  readonly maxCategories?: number;
  /** Code for unseen categories: a number, null (NaN, default) or 'infrequent' (the infrequent code). */
  readonly unknownValue?: number | null | 'infrequent';
  readonly native?: boolean;
}
/** Smoothed target mean per category, out-of-fold at fit time (sklearn 1.3 TargetEncoder). */
export interface TargetEncodeStep {
  readonly kind: 'target_encode';
  /** m-estimate weight of the prior, or 'auto' (empirical Bayes, sklearn's default). */
  readonly smoothing?: number | 'auto';
  readonly folds?: number;
}
/** Bin index (sklearn KBinsDiscretizer, encode='ordinal'). */
export interface KBinsStep {
  readonly kind: 'kbins';
  readonly nBins?: number;
  readonly strategy?: 'quantile' | 'uniform';
}
/** Calendar parts of a timestamp, UTC. */
export interface DatePartsStep {
  readonly kind: 'date_parts';
  readonly parts?: readonly DatePart[];
}
/** TF-IDF of a text column (sklearn TfidfVectorizer defaults: smooth idf, l2 norm). */
export interface TfidfStep {
  readonly kind: 'tfidf';
  readonly ngramRange?: readonly [number, number];
  /** Minimum document frequency: a count (int >= 1) or a fraction of documents (0..1). */
  readonly minDf?: number;
  readonly maxDf?: number;
  readonly maxFeatures?: number;
  readonly lowercase?: boolean;
}
/** Signed feature hashing (sklearn HashingVectorizer / FeatureHasher). */
export interface HashingStep {
  readonly kind: 'hashing';
  readonly nFeatures?: number;
  readonly alternateSign?: boolean;
  readonly ngramRange?: readonly [number, number];
  readonly lowercase?: boolean;
  readonly norm?: 'l2' | 'none';
}
/** Remove the column from the output. */
export interface DropStep {
  readonly kind: 'drop';
}

/** Any preprocessing step. */
export type StepSpec =
  | ImputeStep
  | StandardScaleStep
  | MinMaxScaleStep
  | RobustScaleStep
  | Log1pStep
  | BoolToNumberStep
  | OneHotStep
  | OrdinalStep
  | TargetEncodeStep
  | KBinsStep
  | DatePartsStep
  | TfidfStep
  | HashingStep
  | DropStep;

/** Columns picked by name, or every column of a type that no earlier block picked. */
export type ColumnSelector = readonly string[] | { readonly type: ColumnType };

/** Steps applied to each selected column. */
export interface ColumnBlock {
  readonly columns: ColumnSelector;
  readonly steps: readonly StepSpec[];
}

/** A whole preprocessing pipeline. */
export interface PipelineSpec {
  readonly blocks: readonly ColumnBlock[];
  /** What happens to columns no block picks (default 'drop'). Passthrough encodes them minimally. */
  readonly remainder?: 'drop' | 'passthrough';
  /** Columns to ignore entirely (the target, identifiers). */
  readonly drop?: readonly string[];
  /** Drop categorical/text columns picked by type whose values are all distinct (IDs), with a warning. */
  readonly dropIdColumns?: boolean;
}

type Check = (v: unknown) => boolean;
const bool: Check = (v) => typeof v === 'boolean';
const finite: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const posInt: Check = (v) => Number.isInteger(v) && (v as number) >= 1;
const frequency: Check = (v) => typeof v === 'number' && (Number.isInteger(v) ? v >= 1 : v > 0 && v < 1);
const oneOf = (...vals: unknown[]): Check => (v) => vals.includes(v);
const pair = (ok: (a: number, b: number) => boolean): Check => (v) => Array.isArray(v) && v.length === 2 && v.every(finite) && ok(v[0] as number, v[1] as number);
const ngram = pair((a, b) => Number.isInteger(a) && Number.isInteger(b) && a >= 1 && a <= b);

/** Allowed parameters per step kind, with a description for error messages. */
const STEP_PARAMS: Readonly<Record<StepSpec['kind'], Readonly<Record<string, readonly [Check, string]>>>> = {
  impute: {
    strategy: [oneOf('mean', 'median', 'most_frequent', 'constant'), 'one of mean, median, most_frequent, constant'],
    fillValue: [(v) => finite(v) || typeof v === 'string', 'a number or a string'],
    addIndicator: [bool, 'true or false'],
  },
  standard_scale: { withMean: [bool, 'true or false'], withStd: [bool, 'true or false'] },
  min_max_scale: { featureRange: [pair((a, b) => a < b), 'a [min, max] pair with min < max'] },
  robust_scale: {
    quantileRange: [pair((a, b) => a >= 0 && a < b && b <= 100), 'a [low, high] pair of percentiles, 0 <= low < high <= 100'],
    withCentering: [bool, 'true or false'],
    withScaling: [bool, 'true or false'],
  },
  log1p: { invalid: [oneOf('nan', 'error'), "'nan' or 'error'"] },
  bool_to_number: {},
  one_hot: {
    minFrequency: [frequency, 'an integer count >= 1 or a fraction in (0, 1)'],
    maxCategories: [(v) => Number.isInteger(v) && (v as number) >= 2, 'an integer >= 2'],
    handleUnknown: [oneOf('infrequent', 'ignore', 'error'), "'infrequent', 'ignore' or 'error'"],
  },
  ordinal: {
    minFrequency: [frequency, 'an integer count >= 1 or a fraction in (0, 1)'],
    maxCategories: [(v) => Number.isInteger(v) && (v as number) >= 2, 'an integer >= 2'],
    unknownValue: [(v) => v === null || v === 'infrequent' || finite(v), "a number, null or 'infrequent'"],
    native: [bool, 'true or false'],
  },
  target_encode: {
    smoothing: [(v) => v === 'auto' || (finite(v) && (v as number) >= 0), "a number >= 0 or 'auto'"],
    folds: [(v) => Number.isInteger(v) && (v as number) >= 2, 'an integer >= 2'],
  },
  kbins: {
    nBins: [(v) => Number.isInteger(v) && (v as number) >= 2, 'an integer >= 2'],
    strategy: [oneOf('quantile', 'uniform'), "'quantile' or 'uniform' (kmeans is not supported)"],
  },
  date_parts: { parts: [(v) => Array.isArray(v) && v.length > 0 && v.every((p) => (DATE_PARTS as readonly unknown[]).includes(p)), `a non-empty list of ${DATE_PARTS.join(', ')}`] },
  tfidf: {
    ngramRange: [ngram, 'a [min, max] pair of integers, 1 <= min <= max'],
    minDf: [frequency, 'an integer count >= 1 or a fraction in (0, 1)'],
    maxDf: [(v) => typeof v === 'number' && (Number.isInteger(v) ? v >= 1 : v > 0 && v <= 1), 'an integer count >= 1 or a fraction in (0, 1]'],
    maxFeatures: [posInt, 'a positive integer'],
    lowercase: [bool, 'true or false'],
  },
  hashing: {
    nFeatures: [(v) => posInt(v) && (v as number) <= 1 << 20, 'an integer in 1..1048576'],
    alternateSign: [bool, 'true or false'],
    ngramRange: [ngram, 'a [min, max] pair of integers, 1 <= min <= max'],
    lowercase: [bool, 'true or false'],
    norm: [oneOf('l2', 'none'), "'l2' or 'none'"],
  },
  drop: {},
};

/** The step kinds a spec may use. */
export const STEP_KINDS = Object.keys(STEP_PARAMS) as StepSpec['kind'][];

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function validateStep(step: unknown, where: string): StepSpec {
  if (!isRecord(step)) throw new UsageError(`${where} must be an object with a "kind"`, { field: where });
  const kind = step.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(STEP_PARAMS, kind)) {
    throw new UsageError(`${where}: unknown step kind ${JSON.stringify(kind)}`, { field: `${where}.kind` }, `Known kinds: ${STEP_KINDS.join(', ')}`);
  }
  const params = STEP_PARAMS[kind as StepSpec['kind']];
  for (const [key, value] of Object.entries(step)) {
    if (key === 'kind' || value === undefined) continue;
    const rule = Object.hasOwn(params, key) ? params[key] : undefined;
    if (!rule) {
      const known = Object.keys(params);
      throw new UsageError(`${where} (${kind}): unknown parameter "${key}"`, { field: `${where}.${key}` }, known.length > 0 ? `Parameters of ${kind}: ${known.join(', ')}` : `${kind} takes no parameters.`);
    }
    if (!rule[0](value)) throw new UsageError(`${where} (${kind}): parameter "${key}" must be ${rule[1]}, got ${JSON.stringify(value)}`, { field: `${where}.${key}` });
  }
  if (kind === 'impute' && step.strategy === undefined) throw new UsageError(`${where} (impute): parameter "strategy" is required`, { field: `${where}.strategy` }, 'Use one of mean, median, most_frequent, constant.');
  return step as unknown as StepSpec;
}

/** Check a spec (e.g. parsed from JSON) and return it typed; UsageError names the bad place. */
export function validatePipelineSpec(spec: unknown): PipelineSpec {
  if (!isRecord(spec)) throw new UsageError('pipeline spec must be an object with "blocks"', { field: 'spec' });
  const known = new Set(['blocks', 'remainder', 'drop', 'dropIdColumns']);
  for (const key of Object.keys(spec)) if (!known.has(key)) throw new UsageError(`pipeline spec: unknown field "${key}"`, { field: key }, `Fields: ${[...known].join(', ')}`);
  if (!Array.isArray(spec.blocks)) throw new UsageError('pipeline spec: "blocks" must be an array', { field: 'blocks' });
  if (spec.remainder !== undefined && spec.remainder !== 'drop' && spec.remainder !== 'passthrough') throw new UsageError(`pipeline spec: "remainder" must be 'drop' or 'passthrough'`, { field: 'remainder' });
  if (spec.drop !== undefined && !(Array.isArray(spec.drop) && spec.drop.every((d) => typeof d === 'string'))) throw new UsageError('pipeline spec: "drop" must be a list of column names', { field: 'drop' });
  if (spec.dropIdColumns !== undefined && typeof spec.dropIdColumns !== 'boolean') throw new UsageError('pipeline spec: "dropIdColumns" must be true or false', { field: 'dropIdColumns' });
  spec.blocks.forEach((block: unknown, b) => {
    const where = `blocks[${b}]`;
    if (!isRecord(block)) throw new UsageError(`${where} must be an object with "columns" and "steps"`, { field: where });
    const cols = block.columns;
    const byNames = Array.isArray(cols) && cols.every((c) => typeof c === 'string');
    const byType = isRecord(cols) && Object.keys(cols).length === 1 && isColumnType(cols.type);
    if (!byNames && !byType) throw new UsageError(`${where}.columns must be a list of column names or { type: numeric|categorical|boolean|timestamp|text }`, { field: `${where}.columns` });
    if (!Array.isArray(block.steps)) throw new UsageError(`${where}.steps must be an array (empty = pass through)`, { field: `${where}.steps` });
    block.steps.forEach((s: unknown, i: number) => validateStep(s, `${where}.steps[${i}]`));
    for (const key of Object.keys(block)) if (key !== 'columns' && key !== 'steps') throw new UsageError(`${where}: unknown field "${key}"`, { field: `${where}.${key}` });
  });
  return spec as unknown as PipelineSpec;
}
