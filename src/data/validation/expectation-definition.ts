/**
 * How an expectation type is declared: its zod schema (the suite format) plus a factory for the
 * streaming check. The registry maps each `type` name to one of these; adding an expectation is one
 * file and one registry entry.
 */
import { z } from 'zod';
import type { CheckContext, ExpectationCheck, QualityDimension } from './expectation-check.js';

/** Fields every expectation accepts. */
export const baseFields = {
  /** Stable id used in results and quarantine output; defaults to the expectation's index. */
  id: z.string().min(1).optional(),
  severity: z.enum(['error', 'warning']).default('error'),
  description: z.string().optional(),
};

/** The `column` field of column expectations. */
export const columnField = z.string().min(1);

/** An optional finite bound. */
export const optionalBound = z.number().finite().optional();

/** Declaration of one expectation type. */
export interface ExpectationDefinition<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  /** Which quality score it feeds, if any. */
  readonly dimension: QualityDimension | null;
  /** Whether it flags individual rows (these decide quarantine). */
  readonly rowLevel: boolean;
  create(spec: z.output<S>, ctx: CheckContext): ExpectationCheck;
}

/** Identity helper that keeps the schema's exact type while checking the shape. */
export function defineExpectation<S extends z.ZodType>(def: ExpectationDefinition<S>): ExpectationDefinition<S> {
  return def;
}

/** Refinement shared by range-like expectations: at least one bound, and min <= max. */
export function boundsRefinement(spec: { min?: number | string; max?: number | string }, ctx: z.RefinementCtx): void {
  if (spec.min === undefined && spec.max === undefined) ctx.addIssue({ code: 'custom', message: 'give min, max or both', path: ['min'] });
  if (typeof spec.min === 'number' && typeof spec.max === 'number' && spec.min > spec.max) {
    ctx.addIssue({ code: 'custom', message: `min (${spec.min}) is greater than max (${spec.max})`, path: ['min'] });
  }
}
