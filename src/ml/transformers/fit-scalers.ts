/**
 * Scaler fitters (sklearn StandardScaler, MinMaxScaler, RobustScaler), NaN-ignoring like sklearn.
 * Zero or near-zero scales become 1 (sklearn's `_handle_zeros_in_scale`) so constant columns map to 0
 * instead of NaN/Infinity.
 */
import type { TransformerState } from '../../runtime/bundle-types.js';
import type { CenterScaleState, MinMaxScaleState } from '../../runtime/preprocess/scale.js';
import type { FitContext, FittedStep } from './fit-context.js';
import { median, percentile, sortedFinite } from './percentile.js';
import type { MinMaxScaleStep, RobustScaleStep, StandardScaleStep } from './pipeline-spec.js';

const EPS = 2.220446049250313e-16;

function safeScale(s: number): number {
  return Number.isFinite(s) && s >= 10 * EPS ? s : 1;
}

function fitted(state: TransformerState): FittedStep {
  return { state };
}

/** Fit a `standard_scale` step: population mean and standard deviation of the non-missing values. */
export function fitStandardScaler(ctx: FitContext, column: string, step: StandardScaleStep): FittedStep {
  const x = ctx.work.numeric(column, 'standard_scale');
  let n = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === x[i]) {
      n++;
      sum += x[i];
    }
  }
  const mean = n > 0 ? sum / n : 0;
  let ss = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) ss += (x[i] - mean) * (x[i] - mean);
  const std = n > 0 ? Math.sqrt(ss / n) : 1;
  if (n === 0) ctx.warnings.push(`column "${column}" has no values to scale`);
  const state: CenterScaleState = { kind: 'standard_scale', column, center: step.withMean === false ? 0 : mean, scale: step.withStd === false ? 1 : safeScale(std) };
  return fitted(state);
}

/** Fit a `min_max_scale` step with sklearn's `scale_`/`min_` arithmetic. */
export function fitMinMaxScaler(ctx: FitContext, column: string, step: MinMaxScaleStep): FittedStep {
  const x = ctx.work.numeric(column, 'min_max_scale');
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) {
    ctx.warnings.push(`column "${column}" has no values to scale`);
    lo = 0;
    hi = 1;
  }
  const [fmin, fmax] = step.featureRange ?? [0, 1];
  const mul = (fmax - fmin) / safeScale(hi - lo);
  const state: MinMaxScaleState = { kind: 'min_max_scale', column, mul, add: fmin - lo * mul };
  return fitted(state);
}

/** Fit a `robust_scale` step: median and inter-quantile range (numpy percentiles). */
export function fitRobustScaler(ctx: FitContext, column: string, step: RobustScaleStep): FittedStep {
  const sorted = sortedFinite(ctx.work.numeric(column, 'robust_scale'));
  if (sorted.length === 0) ctx.warnings.push(`column "${column}" has no values to scale`);
  const [qlo, qhi] = step.quantileRange ?? [25, 75];
  const center = step.withCentering === false || sorted.length === 0 ? 0 : median(sorted);
  const scale = step.withScaling === false || sorted.length === 0 ? 1 : safeScale(percentile(sorted, qhi) - percentile(sorted, qlo));
  const state: CenterScaleState = { kind: 'robust_scale', column, center, scale };
  return fitted(state);
}
