/**
 * `fitImputer`: learns the fill value of one column (sklearn SimpleImputer). Numbers: mean, median
 * (numpy's), most frequent (smallest value on ties, as scipy's mode) or a constant (default 0). Strings:
 * most frequent (lexicographically smallest on ties) or a constant (default "missing"). A column with no
 * observed values falls back to the constant default with a warning, instead of sklearn's silent drop.
 */
import { UsageError } from '../../core/errors.js';
import { isMissing } from '../../core/frame.js';
import type { ImputeState } from '../../runtime/preprocess/impute.js';
import type { FitContext, FittedStep } from './fit-context.js';
import type { ImputeStep } from './pipeline-spec.js';
import { median, sortedFinite } from './percentile.js';

/** Fit an `impute` step on a working column. */
export function fitImputer(ctx: FitContext, column: string, step: ImputeStep): FittedStep {
  const col = ctx.work.get(column, 'impute');
  let hasMissing = false;
  for (let i = 0; i < ctx.work.rows; i++) {
    if (isMissing(col, i)) {
      hasMissing = true;
      break;
    }
  }
  const indicator = step.addIndicator && hasMissing ? `${column}__missing` : null;
  const state = (fill: number | string): FittedStep => ({ state: { kind: 'impute', column, fill, indicator } satisfies ImputeState });

  if (col.type === 'categorical' || col.type === 'text') {
    if (step.strategy === 'mean' || step.strategy === 'median') {
      throw new UsageError(`impute strategy "${step.strategy}" needs a numeric column, but "${column}" is ${col.type}`, { column }, 'Use most_frequent or constant for categorical and text columns.');
    }
    if (step.strategy === 'constant') return state(step.fillValue === undefined ? 'missing' : String(step.fillValue));
    const counts = new Map<string, number>();
    for (const s of ctx.work.text(column, 'impute')) if (s !== null) counts.set(s, (counts.get(s) ?? 0) + 1);
    let best: string | null = null;
    let bestCount = 0;
    for (const [s, c] of counts) {
      if (c > bestCount || (c === bestCount && best !== null && s < best)) {
        best = s;
        bestCount = c;
      }
    }
    if (best === null) {
      ctx.warnings.push(`column "${column}" has no values; imputing "missing"`);
      return state('missing');
    }
    return state(best);
  }

  if (step.strategy === 'constant') {
    const fill = step.fillValue ?? 0;
    if (typeof fill !== 'number') throw new UsageError(`impute fillValue for numeric column "${column}" must be a number, got ${JSON.stringify(fill)}`, { column, field: 'fillValue' });
    return state(fill);
  }
  const sorted = sortedFinite(ctx.work.numeric(column, 'impute'));
  if (sorted.length === 0) {
    ctx.warnings.push(`column "${column}" has no values; imputing 0`);
    return state(0);
  }
  if (step.strategy === 'median') return state(median(sorted));
  if (step.strategy === 'mean') {
    let s = 0;
    for (let i = 0; i < sorted.length; i++) s += sorted[i];
    return state(s / sorted.length);
  }
  // most_frequent on sorted values: the longest run, the first (smallest) on ties.
  let best = sorted[0];
  let bestRun = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestRun) {
      best = sorted[i];
      bestRun = j - i;
    }
    i = j;
  }
  return state(best);
}
