/**
 * One entry point for every explanation method of `kiln explain` (and the SDK): TreeSHAP or KernelSHAP
 * per-row attributions with their global summary (mean |SHAP| per column), permutation importance,
 * and partial dependence / ICE. Results are plain data: the CLI writes them as CSV, JSON or HTML.
 */
import { InputError } from '../../core/errors.js';
import type { Frame } from '../../core/frame.js';
import type { Scorer } from '../../runtime/scorer.js';
import { getMetric } from '../metrics/metric-registry.js';
import { kmeansBackground, sampleBackground } from './background.js';
import { defaultMetric, metricScoreFunction, predictionFunction, rawFunction } from './bundle-scoring.js';
import { explainRows } from './explain-rows.js';
import type { RowAttributions } from './explain-rows.js';
import { kernelShap } from './kernel-shap.js';
import { partialDependence } from './partial-dependence.js';
import type { PartialDependence } from './partial-dependence.js';
import { permutationImportance } from './permutation-importance.js';
import type { PermutationImportance } from './permutation-importance.js';

/** The methods `kiln explain` offers. */
export const EXPLAIN_METHODS = ['tree', 'kernel', 'permutation', 'pdp'] as const;
/** One of EXPLAIN_METHODS. */
export type ExplainMethod = (typeof EXPLAIN_METHODS)[number];

/** Options of every method (each reads the ones it needs). */
export interface ExplainOptions {
  readonly method: ExplainMethod;
  readonly seed?: number;
  /** kernel: coalitions per row, background summary and size, model evaluations allowed. */
  readonly nsamples?: number;
  readonly background?: 'sample' | 'kmeans';
  readonly backgroundSize?: number;
  readonly maxEvaluations?: number;
  /** kernel / pdp on a multiclass model: the class whose output is explained (default: the first label). */
  readonly classLabel?: string;
  /** permutation: metric name (default accuracy or r2) and repeats. */
  readonly metric?: string;
  readonly repeats?: number;
  /** pdp: columns (default: every input), grid size, ICE curves. */
  readonly columns?: readonly string[];
  readonly gridResolution?: number;
  readonly ice?: boolean;
}

/** Per-row attributions (tree or kernel) with their global summary. */
export interface AttributionResult {
  readonly method: 'tree' | 'kernel';
  readonly attributions: RowAttributions;
  /** Mean |attribution| per column, per output (`outputs x columns`). */
  readonly meanAbs: Float64Array;
  readonly notes: readonly string[];
}

/** What `explainModel` returns. */
export type ExplainResult =
  | AttributionResult
  | { readonly method: 'permutation'; readonly metric: string; readonly importance: PermutationImportance; readonly notes: readonly string[] }
  | { readonly method: 'pdp'; readonly output: string; readonly curves: readonly PartialDependence[]; readonly notes: readonly string[] };

/** Mean |attribution| per output and column. */
export function meanAbsAttributions(a: RowAttributions): Float64Array {
  const K = a.outputs.length;
  const C = a.columns.length;
  const out = new Float64Array(K * C);
  for (let i = 0; i < a.rows; i++) for (let k = 0; k < K; k++) for (let c = 0; c < C; c++) out[k * C + c] += Math.abs(a.values[(i * K + k) * C + c]);
  if (a.rows > 0) for (let j = 0; j < out.length; j++) out[j] /= a.rows;
  return out;
}

function classIndex(scorer: Scorer, label: string | undefined): number {
  if (scorer.predictor.outputs === 1 || label === undefined) return 0;
  const k = (scorer.bundle.labels ?? []).indexOf(label);
  if (k < 0) throw new InputError(`class "${label}" is not one of the model's labels (${(scorer.bundle.labels ?? []).join(', ')})`, { field: 'class' });
  return k;
}

/** KernelSHAP of the model's raw output on its input columns, reported like TreeSHAP's. */
function kernelAttributions(scorer: Scorer, rows: Frame, backgroundFrom: Frame, opts: ExplainOptions): { attributions: RowAttributions; notes: string[] } {
  const inputs = scorer.signature.inputs.map((i) => i.name);
  const used = scorer.pipeline.requiredInputs.map((i) => i.name);
  const size = opts.backgroundSize ?? 50;
  const background = opts.background === 'kmeans' ? kmeansBackground(backgroundFrom, used, size, opts.seed ?? 0) : sampleBackground(backgroundFrom.select(used), size, opts.seed ?? 0);
  const k = classIndex(scorer, opts.classLabel);
  const res = kernelShap(rows, used, background, rawFunction(scorer, k), {
    ...(opts.nsamples !== undefined ? { nsamples: opts.nsamples } : {}),
    ...(opts.maxEvaluations !== undefined ? { maxEvaluations: opts.maxEvaluations } : {}),
    seed: opts.seed ?? 0,
  });
  const C = inputs.length;
  const values = new Float64Array(res.rows * C);
  used.forEach((name, j) => {
    const c = inputs.indexOf(name);
    for (let i = 0; i < res.rows; i++) values[i * C + c] = res.values[i * used.length + j];
  });
  const outputName = scorer.predictor.outputs === 1 ? 'raw' : (scorer.bundle.labels ?? [])[k];
  const notes = [
    `KernelSHAP over ${background.frame.rowCount} background rows (${opts.background ?? 'sample'}), ${res.coalitions} coalitions per row${res.exact ? ' (all of them: exact)' : ' (sampled, seeded)'}`,
  ];
  return { attributions: { rows: res.rows, columns: inputs, outputs: [outputName], values, base: Float64Array.of(res.base), raw: res.fx, covers: 'data' }, notes };
}

/** Run one explanation method of a compiled bundle on `rows` (with `all` as the background source for KernelSHAP). */
export function explainModel(scorer: Scorer, rows: Frame, opts: ExplainOptions, all: Frame = rows): ExplainResult {
  if (rows.rowCount === 0) throw new InputError('the data has no rows to explain', { field: 'data' });
  switch (opts.method) {
    case 'tree': {
      const attributions = explainRows(scorer, rows);
      const notes = attributions.covers === 'data' ? ['the bundle records no training covers; path weights were counted from the explained rows'] : [];
      return { method: 'tree', attributions, meanAbs: meanAbsAttributions(attributions), notes };
    }
    case 'kernel': {
      const { attributions, notes } = kernelAttributions(scorer, rows, all, opts);
      return { method: 'kernel', attributions, meanAbs: meanAbsAttributions(attributions), notes };
    }
    case 'permutation': {
      const metric = opts.metric ?? defaultMetric(scorer);
      const columns = scorer.pipeline.requiredInputs.map((i) => i.name);
      const importance = permutationImportance(rows, columns, metricScoreFunction(scorer, rows, metric), { repeats: opts.repeats ?? 5, seed: opts.seed ?? 0 });
      return { method: 'permutation', metric, importance, notes: [`importance = baseline ${metric} - ${metric} with the column shuffled${metricIsLoss(metric) ? ' (negated loss: greater is better)' : ''}`] };
    }
    case 'pdp': {
      const columns = opts.columns ?? scorer.pipeline.requiredInputs.map((i) => i.name);
      for (const c of columns) if (!rows.has(c)) throw new InputError(`column "${c}" is not in the data`, { column: c });
      const predict = predictionFunction(scorer, opts.classLabel);
      const curves = columns.map((c) => partialDependence(rows, c, predict, { gridResolution: opts.gridResolution ?? 20, ice: opts.ice ?? false }));
      const task = scorer.signature.task;
      const labels = scorer.bundle.labels ?? [];
      const output = task === 'binary' ? `P(${labels[1]})` : task === 'multiclass' ? `P(${opts.classLabel ?? labels[0]})` : 'prediction';
      return { method: 'pdp', output, curves, notes: [] };
    }
    default:
      throw new InputError(`unknown method "${String(opts.method)}"; use one of ${EXPLAIN_METHODS.join(', ')}`, { field: 'method' });
  }
}

function metricIsLoss(name: string): boolean {
  return !getMetric(name).higherIsBetter;
}
