/**
 * `fitOneHot`: learns the categories of a one-hot encoder (sklearn OneHotEncoder with drop=None):
 * sorted categories, with rare ones grouped into one `<column>=__infrequent__` column.
 */
import type { OneHotState } from '../../runtime/preprocess/one-hot.js';
import type { FitContext, FittedStep } from './fit-context.js';
import { countCategories, splitInfrequent } from './infrequent-categories.js';
import type { OneHotStep } from './pipeline-spec.js';

/** Output name of the infrequent-category column. */
export const INFREQUENT = '__infrequent__';

/** Fit a `one_hot` step on a working column. */
export function fitOneHot(ctx: FitContext, column: string, step: OneHotStep): FittedStep {
  const cc = countCategories(ctx.work, column, 'one_hot');
  const { kept, infrequent } = splitInfrequent(cc, step.minFrequency, step.maxCategories);
  const outputs = kept.map((c) => `${column}=${c}`);
  if (infrequent.length > 0) outputs.push(`${column}=${INFREQUENT}`);
  if (cc.categories.length > 1000 && step.minFrequency === undefined && step.maxCategories === undefined) {
    ctx.warnings.push(`one_hot on "${column}" makes ${cc.categories.length} columns; consider minFrequency or maxCategories`);
  }
  const state: OneHotState = { kind: 'one_hot', column, categories: kept, infrequent, handleUnknown: step.handleUnknown ?? 'infrequent', outputs };
  return { state };
}
