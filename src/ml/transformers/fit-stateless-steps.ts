/**
 * Fitters of the steps that learn nothing from data (log1p, bool_to_number, date_parts, hashing): their
 * state is the step's parameters with defaults filled in, so a bundle never depends on default values
 * that a later Kiln version might change.
 */
import type { BoolToNumberState } from '../../runtime/preprocess/bool-to-number.js';
import { DATE_PARTS } from '../../runtime/preprocess/date-parts.js';
import type { DatePartsState } from '../../runtime/preprocess/date-parts.js';
import type { HashingState } from '../../runtime/preprocess/hashing.js';
import type { Log1pState } from '../../runtime/preprocess/log1p.js';
import type { FitContext, FittedStep } from './fit-context.js';
import type { BoolToNumberStep, DatePartsStep, HashingStep, Log1pStep } from './pipeline-spec.js';

/** Fit a `log1p` step. */
export function fitLog1p(_ctx: FitContext, column: string, step: Log1pStep): FittedStep {
  const state: Log1pState = { kind: 'log1p', column, invalid: step.invalid ?? 'nan' };
  return { state };
}

/** Fit a `bool_to_number` step. */
export function fitBoolToNumber(_ctx: FitContext, column: string, _step: BoolToNumberStep): FittedStep {
  const state: BoolToNumberState = { kind: 'bool_to_number', column };
  return { state };
}

/** Fit a `date_parts` step. */
export function fitDateParts(_ctx: FitContext, column: string, step: DatePartsStep): FittedStep {
  const parts = [...(step.parts ?? DATE_PARTS)];
  const state: DatePartsState = { kind: 'date_parts', column, parts, outputs: parts.map((p) => `${column}__${p}`) };
  return { state };
}

/** Fit a `hashing` step: text columns hash words, categorical columns hash `<column>=<value>`. */
export function fitHashing(ctx: FitContext, column: string, step: HashingStep): FittedStep {
  const col = ctx.work.get(column, 'hashing');
  const nFeatures = step.nFeatures ?? 32;
  const state: HashingState = {
    kind: 'hashing',
    column,
    input: col.type === 'text' ? 'text' : 'category',
    nFeatures,
    alternateSign: step.alternateSign ?? true,
    ngramRange: step.ngramRange ?? [1, 1],
    lowercase: step.lowercase ?? true,
    norm: step.norm ?? 'l2',
    outputs: Array.from({ length: nFeatures }, (_, j) => `${column}__hash_${j}`),
  };
  return { state };
}
