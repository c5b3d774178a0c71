/**
 * Pruners stop unpromising trials early from their intermediate values (the validation metric per
 * boosting round). `median` (Optuna's MedianPruner: prune when the value at a step is worse than the
 * median of the finished trials' values at that step, after 5 startup trials), `successive-halving`
 * (asynchronous SHA: at rungs min * eta^k a trial continues only if it is in the top 1/eta of trials that
 * reached the rung) and `hyperband` (several SHA brackets; a trial's bracket is fixed by its number).
 */
import type { Direction, TrialRecord } from './sampler.js';

/** Decides whether a running trial stops at `step`. */
export interface Pruner {
  readonly name: string;
  shouldPrune(trial: TrialRecord, step: number, value: number, others: readonly TrialRecord[], direction: Direction): boolean;
}

function better(a: number, b: number, direction: Direction): boolean {
  return direction === 'maximize' ? a > b : a < b;
}

function median(values: number[]): number {
  values.sort((x, y) => x - y);
  const m = values.length >> 1;
  return values.length % 2 ? values[m] : (values[m - 1] + values[m]) / 2;
}

/** Options of the median pruner (Optuna's defaults). */
export interface MedianPrunerOptions {
  readonly startupTrials?: number;
  readonly warmupSteps?: number;
  readonly interval?: number;
}

/** The median pruner. */
export function createMedianPruner(opts: MedianPrunerOptions = {}): Pruner {
  const startup = opts.startupTrials ?? 5;
  const warmup = opts.warmupSteps ?? 0;
  const interval = opts.interval ?? 1;
  return {
    name: 'median',
    shouldPrune(_trial, step, value, others, direction) {
      if (step < warmup || (step - warmup) % interval !== 0 || Number.isNaN(value)) return Number.isNaN(value);
      const finished = others.filter((t) => t.state === 'complete');
      if (finished.length < startup) return false;
      const at: number[] = [];
      for (const t of finished) {
        const v = t.intermediate.get(step);
        if (v !== undefined && Number.isFinite(v)) at.push(v);
      }
      if (at.length === 0) return false;
      return better(median(at), value, direction);
    },
  };
}

/** Options of successive halving. */
export interface SuccessiveHalvingOptions {
  /** First rung (steps); default 1. */
  readonly minResource?: number;
  /** Keep the top 1/eta at each rung; default 3. */
  readonly reductionFactor?: number;
  /** Rung offset (Hyperband brackets use it). */
  readonly minEarlyStoppingRate?: number;
}

/** Asynchronous successive halving. */
export function createSuccessiveHalvingPruner(opts: SuccessiveHalvingOptions = {}): Pruner {
  const minResource = opts.minResource ?? 1;
  const eta = opts.reductionFactor ?? 3;
  const s = opts.minEarlyStoppingRate ?? 0;
  return {
    name: 'successive-halving',
    shouldPrune(trial, step, value, others, direction) {
      if (Number.isNaN(value)) return true;
      // Rung k sits at minResource * eta^(k + s); decide only when the trial is exactly at a rung.
      let rungStep = minResource * eta ** s;
      let k = 0;
      while (rungStep < step) {
        k++;
        rungStep = minResource * eta ** (k + s);
      }
      if (rungStep !== step) return false;
      const competitors = [value];
      for (const t of others) {
        if (t.number === trial.number) continue;
        const v = t.intermediate.get(step);
        if (v !== undefined && Number.isFinite(v)) competitors.push(v);
      }
      if (competitors.length < eta) return false;
      competitors.sort((a, b) => (direction === 'maximize' ? b - a : a - b));
      const keep = Math.max(1, Math.floor(competitors.length / eta));
      return better(competitors[keep - 1], value, direction);
    },
  };
}

/** Hyperband over successive-halving brackets with increasing minimum early-stopping rates. */
export function createHyperbandPruner(opts: { minResource?: number; maxResource?: number; reductionFactor?: number } = {}): Pruner {
  const minResource = opts.minResource ?? 1;
  const maxResource = opts.maxResource ?? 100;
  const eta = opts.reductionFactor ?? 3;
  const brackets = Math.max(1, Math.floor(Math.log(maxResource / minResource) / Math.log(eta)) + 1);
  const pruners = Array.from({ length: brackets }, (_, b) => createSuccessiveHalvingPruner({ minResource, reductionFactor: eta, minEarlyStoppingRate: b }));
  return {
    name: 'hyperband',
    shouldPrune(trial, step, value, others, direction) {
      const bracket = trial.number % brackets;
      // Trials compete only within their bracket.
      const peers = others.filter((t) => t.number % brackets === bracket);
      return pruners[bracket].shouldPrune(trial, step, value, peers, direction);
    },
  };
}

/** A pruner that never prunes. */
export const noPruner: Pruner = { name: 'none', shouldPrune: () => false };
