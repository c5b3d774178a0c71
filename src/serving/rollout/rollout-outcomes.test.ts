/**
 * Outcomes of an arm from its label summary in the store read the labels as `outcomesOf` reads the sample:
 * rate, mean, else the rate of correct predictions.
 */
import { describe, expect, it } from 'vitest';
import type { VariantLabelSummary } from '../../store/prediction-feedback-repository.js';
import { outcomesOfSummary } from './rollout-outcomes.js';

const summary = (over: Partial<VariantLabelSummary>): VariantLabelSummary => ({ variant: 'main', labelled: 0, trues: 0, falses: 0, numeric: 0, sum: 0, squaredDeviations: 0, compared: 0, correct: 0, ...over });

describe('outcomesOfSummary', () => {
  it('reads booleans as a rate, numbers as a mean, class labels as correctness', () => {
    expect(outcomesOfSummary(undefined)).toBeNull();
    expect(outcomesOfSummary(summary({ labelled: 4, trues: 3, falses: 1, numeric: 2, sum: 1 }))).toEqual({ kind: 'rate', successes: 3, trials: 4 });
    expect(outcomesOfSummary(summary({ labelled: 3, numeric: 3, sum: 6, squaredDeviations: 2 }))).toEqual({ kind: 'mean', mean: 2, variance: 1, n: 3 });
    expect(outcomesOfSummary(summary({ labelled: 5, numeric: 1, sum: 3, compared: 5, correct: 4 }))).toEqual({ kind: 'rate', successes: 4, trials: 5 });
    // Class labels without indexed predictions to compare: no outcome (the caller falls back to the sample).
    expect(outcomesOfSummary(summary({ labelled: 2, compared: 0 }))).toBeNull();
  });
});
