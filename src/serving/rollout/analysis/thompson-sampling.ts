/**
 * Thompson sampling for Bernoulli rewards: each arm's conversion rate has a Beta(prior + successes,
 * prior + failures) posterior; a request goes to the arm whose posterior draw is largest, so traffic
 * follows the probability that each arm is best. All draws come from a seeded `Rng`, so an allocation is
 * reproducible from (arms, draws, seed).
 */
import { InputError } from '../../../core/errors.js';
import { Rng } from '../../../core/rng.js';
import { sampleBeta } from '../../../core/stats/gamma-variate.js';
import { checkCount, checkPositive } from './ab-inputs.js';

/** Observed rewards of one arm. */
export interface BanditArm {
  successes: number;
  failures: number;
}

/** The Beta prior shared by every arm; Beta(1, 1) (uniform) by default. */
export interface BetaPrior {
  alpha: number;
  beta: number;
}

/** Options of `thompsonAllocation`. */
export interface ThompsonAllocationOptions {
  /** Monte Carlo draws; 10 000 by default (share error ≤ 0.005 per arm, one standard error). */
  draws?: number;
  seed: number;
  prior?: BetaPrior;
}

const UNIFORM: BetaPrior = { alpha: 1, beta: 1 };
const MAX_DRAWS = 10_000_000;

/** The arm a single request should go to: the argmax of one posterior draw per arm (ties go to the lower index). */
export function thompsonPick(arms: readonly BanditArm[], rng: Rng, prior: BetaPrior = UNIFORM): number {
  const checked = checkArms(arms, prior);
  return pick(checked, rng, prior);
}

/**
 * Traffic shares: the fraction of `draws` posterior samples in which each arm is best, an estimate of
 * P(arm is best). Shares sum to 1.
 */
export function thompsonAllocation(arms: readonly BanditArm[], options: ThompsonAllocationOptions): number[] {
  const prior = options.prior ?? UNIFORM;
  const checked = checkArms(arms, prior);
  const draws = options.draws ?? 10_000;
  if (!Number.isSafeInteger(draws) || draws < 1 || draws > MAX_DRAWS) {
    throw new InputError(`draws must be an integer in [1, ${MAX_DRAWS}], got ${String(draws)}`, { field: 'draws' });
  }
  if (typeof options.seed !== 'number' || !Number.isFinite(options.seed)) throw new InputError('seed must be a finite number', { field: 'seed' });
  const rng = new Rng(options.seed);
  const wins = new Array<number>(checked.length).fill(0);
  for (let i = 0; i < draws; i++) wins[pick(checked, rng, prior)]++;
  return wins.map((w) => w / draws);
}

function pick(arms: readonly BanditArm[], rng: Rng, prior: BetaPrior): number {
  let best = 0;
  let bestDraw = -Infinity;
  for (let i = 0; i < arms.length; i++) {
    const draw = sampleBeta(prior.alpha + arms[i].successes, prior.beta + arms[i].failures, rng);
    if (draw > bestDraw) {
      bestDraw = draw;
      best = i;
    }
  }
  return best;
}

function checkArms(arms: readonly BanditArm[], prior: BetaPrior): BanditArm[] {
  if (!Array.isArray(arms) || arms.length === 0) throw new InputError('arms must be a non-empty array of {successes, failures}', { field: 'arms' });
  if (typeof prior !== 'object' || prior === null) throw new InputError('prior must be an object {alpha, beta}', { field: 'prior' });
  checkPositive(prior.alpha, 'prior.alpha');
  checkPositive(prior.beta, 'prior.beta');
  return arms.map((arm, i) => {
    if (typeof arm !== 'object' || arm === null) throw new InputError(`arms[${i}] must be an object {successes, failures}`, { field: `arms[${i}]` });
    return { successes: checkCount(arm.successes, `arms[${i}].successes`), failures: checkCount(arm.failures, `arms[${i}].failures`) };
  });
}
