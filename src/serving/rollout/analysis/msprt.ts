/**
 * The mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis & Walsh, "Peeking at
 * A/B Tests" (KDD 2017) / "Always Valid Inference" (Operations Research 2022): the likelihood ratio of
 * H1: θ ~ N(θ0, τ²) against H0: θ = θ0, for a difference estimate Δ̂ ~ N(θ, V). With mixing variance τ²,
 *
 *   Λ = sqrt(V / (V + τ²)) · exp( τ² (Δ̂ − θ0)² / (2 V (V + τ²)) ).
 *
 * For n observations per arm with known per-observation variance σ² (V = 2σ²/n) this is the paper's
 * Λ_n = sqrt(2σ² / (2σ² + nτ²)) · exp( n² τ² (Δ̂ − θ0)² / (4σ² (2σ² + nτ²)) ), which the reference
 * fixture checks; writing it in V lets arms have unequal sizes and variances. Under H0, Λ is a
 * martingale, so by Ville's inequality P(sup_n Λ_n ≥ 1/α) ≤ α: the always-valid p-value
 * p_n = min(1, min_{k≤n} 1/Λ_k) may be checked after every look and stopping when p_n ≤ α keeps the
 * false-positive rate at α however often anyone peeks. Variances are plug-in estimates, as in the paper's
 * treatment of binary and unknown-variance data, so validity is asymptotic (large samples per look).
 */
import { InputError } from '../../../core/errors.js';
import { checkMeanSample, checkPositive, checkRateSample, checkUnitInterval, DEFAULT_ALPHA, type MeanSample, type RateSample } from './ab-inputs.js';

/** One look at the data: the difference estimate (B − A) and its variance. */
export interface SequentialLook {
  diff: number;
  variance: number;
}

/** The mixture: τ² (mixing variance of the effect, in squared outcome units) and the null value θ0. */
export interface MsprtOptions {
  tau2: number;
  /** The null difference; 0 when omitted. */
  theta0?: number;
}

/** The mSPRT at one look. */
export interface MsprtLookResult {
  /** ln Λ; finite even where Λ itself overflows. */
  logLikelihoodRatio: number;
  likelihoodRatio: number;
  /** The always-valid p-value after this look: min(previous p, 1/Λ). */
  pValue: number;
}

/** ln Λ for one look; 0 (no evidence) when the variance is 0, since no sampling distribution can be formed. */
export function msprtLogLikelihoodRatio(look: SequentialLook, options: MsprtOptions): number {
  const tau2 = checkPositive(options.tau2, 'tau2');
  const theta0 = options.theta0 ?? 0;
  const { diff, variance } = checkLook(look);
  if (variance === 0) return 0;
  const d = diff - theta0;
  return 0.5 * Math.log(variance / (variance + tau2)) + (tau2 * d * d) / (2 * variance * (variance + tau2));
}

/** Λ for one look. */
export function msprtLikelihoodRatio(look: SequentialLook, options: MsprtOptions): number {
  return Math.exp(msprtLogLikelihoodRatio(look, options));
}

/** Fold one look into the running always-valid p-value (start from 1); never increases it. */
export function msprtUpdate(previousPValue: number, look: SequentialLook, options: MsprtOptions): MsprtLookResult {
  if (typeof previousPValue !== 'number' || !(previousPValue >= 0 && previousPValue <= 1)) {
    throw new InputError(`previous always-valid p-value must be in [0, 1], got ${String(previousPValue)}`, { field: 'previousPValue' }, 'start a new test from 1');
  }
  const logLikelihoodRatio = msprtLogLikelihoodRatio(look, options);
  const pValue = Math.min(previousPValue, Math.min(1, Math.exp(-logLikelihoodRatio)));
  return { logLikelihoodRatio, likelihoodRatio: Math.exp(logLikelihoodRatio), pValue };
}

/** The running always-valid p-values over a sequence of looks (monotone non-increasing). */
export function msprtPValues(looks: readonly SequentialLook[], options: MsprtOptions): number[] {
  const out: number[] = [];
  let p = 1;
  for (const look of looks) {
    p = msprtUpdate(p, look, options).pValue;
    out.push(p);
  }
  return out;
}

/** Whether the test may stop now: `reject` once the always-valid p-value is at or below alpha. */
export function msprtDecision(pValue: number, alpha: number = DEFAULT_ALPHA): 'reject' | 'continue' {
  checkUnitInterval(alpha, 'alpha', DEFAULT_ALPHA);
  if (typeof pValue !== 'number' || Number.isNaN(pValue)) throw new InputError('pValue must be a number', { field: 'pValue' });
  return pValue <= alpha ? 'reject' : 'continue';
}

/**
 * The always-valid (1 − α) confidence interval at this look, {θ0 : Λ(θ0) < 1/α}, in closed form:
 * Δ̂ ± sqrt( 2V(V + τ²)/τ² · (ln(1/α) + ½ ln((V + τ²)/V)) ). It covers θ at every look at once with
 * probability ≥ 1 − α. Null when the variance is 0.
 */
export function msprtConfidenceInterval(look: SequentialLook, options: { tau2: number; alpha?: number }): [number, number] | null {
  const tau2 = checkPositive(options.tau2, 'tau2');
  const alpha = checkUnitInterval(options.alpha, 'alpha', DEFAULT_ALPHA);
  const { diff, variance } = checkLook(look);
  if (variance === 0) return null;
  const half = Math.sqrt(((2 * variance * (variance + tau2)) / tau2) * (Math.log(1 / alpha) + 0.5 * Math.log((variance + tau2) / variance)));
  return [diff - half, diff + half];
}

/**
 * A look for rates B − A. The variance is pooled, p̄(1 − p̄)(1/nA + 1/nB) — the variance under H0 as in
 * the z-test — so that early looks with a 0 % or 100 % arm do not get a zero variance and a spurious
 * infinite Λ. Use `rateLookUnpooled` for intervals, which must not assume H0.
 */
export function rateLook(a: RateSample, b: RateSample): SequentialLook {
  const sa = checkRateSample(a, 'a');
  const sb = checkRateSample(b, 'b');
  const pooled = (sa.successes + sb.successes) / (sa.trials + sb.trials);
  return { diff: sb.successes / sb.trials - sa.successes / sa.trials, variance: pooled * (1 - pooled) * (1 / sa.trials + 1 / sb.trials) };
}

/** A look for rates B − A with the unpooled (Wald) variance pA(1 − pA)/nA + pB(1 − pB)/nB. */
export function rateLookUnpooled(a: RateSample, b: RateSample): SequentialLook {
  const sa = checkRateSample(a, 'a');
  const sb = checkRateSample(b, 'b');
  const pa = sa.successes / sa.trials;
  const pb = sb.successes / sb.trials;
  return { diff: pb - pa, variance: (pa * (1 - pa)) / sa.trials + (pb * (1 - pb)) / sb.trials };
}

/** A look for means B − A with the Welch variance varA/nA + varB/nB. */
export function meanLook(a: MeanSample, b: MeanSample): SequentialLook {
  const sa = checkMeanSample(a, 'a');
  const sb = checkMeanSample(b, 'b');
  return { diff: sb.mean - sa.mean, variance: sa.variance / sa.n + sb.variance / sb.n };
}

function checkLook(look: SequentialLook): SequentialLook {
  if (typeof look !== 'object' || look === null) throw new InputError('a look must be an object {diff, variance}', { field: 'look' });
  if (typeof look.diff !== 'number' || !Number.isFinite(look.diff)) throw new InputError(`look.diff must be a finite number, got ${String(look.diff)}`, { field: 'look.diff' });
  if (typeof look.variance !== 'number' || !Number.isFinite(look.variance) || look.variance < 0) {
    throw new InputError(`look.variance must be a finite number >= 0, got ${String(look.variance)}`, { field: 'look.variance' });
  }
  return look;
}
