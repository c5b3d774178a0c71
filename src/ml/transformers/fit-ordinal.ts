/**
 * `fitOrdinal`: learns the codes of an ordinal encoder (sklearn OrdinalEncoder): sorted categories get
 * 0..k-1 and grouped infrequent ones share code k. With `native` the output is marked categorical for
 * tree models (see `fitPipeline`).
 */
import type { OrdinalState } from '../../runtime/preprocess/ordinal.js';
import type { FitContext, FittedStep } from './fit-context.js';
import { countCategories, splitInfrequent } from './infrequent-categories.js';
import type { OrdinalStep } from './pipeline-spec.js';

/** Fit an `ordinal` step on a working column. */
export function fitOrdinal(ctx: FitContext, column: string, step: OrdinalStep): FittedStep {
  const cc = countCategories(ctx.work, column, 'ordinal');
  const { kept, infrequent } = splitInfrequent(cc, step.minFrequency, step.maxCategories);
  const u = step.unknownValue ?? null;
  const unknownValue = u === 'infrequent' ? (infrequent.length > 0 ? kept.length : null) : u;
  const state: OrdinalState = { kind: 'ordinal', column, categories: kept, infrequent, unknownValue, output: column };
  return { state };
}
