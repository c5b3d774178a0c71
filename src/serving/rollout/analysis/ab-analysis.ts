/**
 * `analyzeAb`: the A/B report of a rollout from per-variant counts. For each variant the metric with a
 * confidence interval; for each challenger against the control the difference with a fixed-horizon
 * two-sided test (two-proportion z-test for rates, Welch's t-test for means), the always-valid mSPRT
 * p-value and interval, the minimum sample size for `mde` at `power`, and a verdict (see ab-verdict.ts).
 * Looks with fewer than MIN_SEQUENTIAL_OBSERVATIONS per arm do not count in the mSPRT.
 * With several challengers each comparison runs at α / (number of challengers) (Bonferroni), so the
 * chance of any false winner stays ≤ α. Stateless: to keep the always-valid p-value monotone across
 * looks the caller stores each comparison's `alwaysValidP` and passes it back in `sequential.previousPValues`.
 */
import { InputError } from '../../../core/errors.js';
import { checkCount, checkPositive, checkUnitInterval, DEFAULT_ALPHA } from './ab-inputs.js';
import { decideVerdict, type AbVerdict } from './ab-verdict.js';
import { DEFAULT_POWER, minimumSampleSize } from './minimum-sample-size.js';
import { meanLook, msprtConfidenceInterval, msprtUpdate, rateLook, rateLookUnpooled, type SequentialLook } from './msprt.js';
import { twoProportionZTest } from './two-proportion-z-test.js';
import { meanInterval, wilsonInterval } from './variant-intervals.js';
import { welchTTest } from './welch-t-test.js';

/** A variant's outcomes joined from feedback: conversions out of trials, or summary statistics of a continuous outcome. */
export type AbOutcomes = { kind: 'rate'; successes: number; trials: number } | { kind: 'mean'; mean: number; variance: number; n: number };

/** One variant of the experiment. */
export interface AbVariantInput {
  name: string;
  /** Requests routed to the variant (outcomes may cover fewer: feedback arrives late or not at all). */
  requests: number;
  outcomes: AbOutcomes;
}

/** The input of `analyzeAb`. */
export interface AbAnalysisInput {
  variants: AbVariantInput[];
  /** The control's name; the first variant when omitted. */
  control?: string;
  /** Family-wise two-sided significance level; 0.05 by default. */
  alpha?: number;
  /** Smallest absolute difference worth detecting; 10 % of the control's metric by default (see docs). */
  mde?: number;
  /** Power for the minimum sample size; 0.8 by default. */
  power?: number;
  /** `higher` (default) when a larger metric is better (conversion), `lower` for errors or latency. */
  direction?: 'higher' | 'lower';
  sequential?: {
    /** mSPRT mixing variance of the difference; mde² by default. */
    tau2?: number;
    /** Each challenger's `alwaysValidP` from the previous look, by variant name. */
    previousPValues?: Record<string, number>;
  };
}

/** One variant's metric. */
export interface AbVariantSummary {
  name: string;
  requests: number;
  /** Trials (rates) or n (means). */
  observations: number;
  /** Conversion rate or mean; null before the first outcome. */
  metric: number | null;
  /** Wilson (rates) or Student t (means) interval at the family alpha; null when it cannot be formed. */
  ci: [number, number] | null;
}

/** A challenger against the control. */
export interface AbComparison {
  variant: string;
  control: string;
  /** metric(variant) − metric(control). */
  difference: number | null;
  /** difference / |metric(control)|; null when the control's metric is 0 or unknown. */
  relativeDifference: number | null;
  /** The comparison's alpha (family alpha / number of challengers). */
  alpha: number;
  /** The fixed-horizon test; an infinite statistic (zero variance, different means) is clamped to ±Number.MAX_VALUE. */
  test: { method: 'two-proportion z-test' | 'Welch t-test'; statistic: number; df: number | null; pValue: number; ci: [number, number] } | null;
  /**
   * The always-valid test. `lookCounted` is false while an arm has fewer than MIN_SEQUENTIAL_OBSERVATIONS:
   * such a look contributes no evidence (Λ reported as 1, p carried over, no interval). `likelihoodRatio`
   * is clamped to Number.MAX_VALUE so the report survives JSON; `logLikelihoodRatio` is exact.
   */
  sequential: {
    method: 'mSPRT';
    tau2: number;
    likelihoodRatio: number;
    logLikelihoodRatio: number;
    alwaysValidP: number;
    ci: [number, number] | null;
    lookCounted: boolean;
  } | null;
  minimumSampleSize: { mde: number; power: number; perArm: number; reached: boolean } | null;
  verdict: AbVerdict;
  reason: string;
}

/** The whole report. */
export interface AbAnalysis {
  kind: 'rate' | 'mean';
  control: string;
  alpha: number;
  power: number;
  direction: 'higher' | 'lower';
  /** The mde used (given or defaulted); null when none could be derived. */
  mde: number | null;
  variants: AbVariantSummary[];
  comparisons: AbComparison[];
}

const MAX_VARIANTS = 100;
const MAX_NAME = 200;
/**
 * Observations per arm before a look counts in the mSPRT. Its variances are plug-in estimates; with a
 * handful of observations they are noisy enough to break the α guarantee (simulated A/A with looks from
 * n = 2 rejected 12–13 % at α = 0.05; from n = 10 on, ≤ 2.3 %; from 30 on, ≤ 1.7 % — 300 normal
 * experiments per setting, a look every 2 observations up to 1000, τ² from σ²/4 to 4σ²).
 */
export const MIN_SEQUENTIAL_OBSERVATIONS = 30;
/** The default minimum detectable effect, relative to the control's metric. */
export const DEFAULT_RELATIVE_MDE = 0.1;

/** Analyze an A/B test from per-variant outcome counts or summary statistics. */
export function analyzeAb(input: AbAnalysisInput): AbAnalysis {
  if (typeof input !== 'object' || input === null) throw new InputError('the A/B analysis input must be an object', { field: 'input' });
  const alpha = checkUnitInterval(input.alpha, 'alpha', DEFAULT_ALPHA);
  const power = checkUnitInterval(input.power, 'power', DEFAULT_POWER);
  const direction = input.direction ?? 'higher';
  if (direction !== 'higher' && direction !== 'lower') throw new InputError(`direction must be 'higher' or 'lower', got ${String(direction)}`, { field: 'direction' });
  const variants = checkVariants(input.variants);
  const kind = variants[0].outcomes.kind;
  const controlName = input.control ?? variants[0].name;
  const control = variants.find((v) => v.name === controlName);
  if (!control) throw new InputError(`control '${controlName}' is not one of the variants (${variants.map((v) => v.name).join(', ')})`, { field: 'control' });
  const summaries = variants.map((v) => summarize(v, alpha));
  const controlSummary = summaries[variants.indexOf(control)];
  const mde = input.mde !== undefined ? checkPositive(input.mde, 'mde') : defaultMde(controlSummary.metric);
  const tau2 = input.sequential?.tau2 !== undefined ? checkPositive(input.sequential.tau2, 'sequential.tau2') : mde === null ? null : mde * mde;
  const previous = checkPrevious(input.sequential?.previousPValues);
  const challengers = variants.filter((v) => v !== control);
  const comparisonAlpha = alpha / challengers.length;
  const mss = mde === null ? null : sizeFor(control.outcomes, mde, comparisonAlpha, power);
  const comparisons = challengers.map((v) =>
    compare(v, control, { alpha: comparisonAlpha, power, direction, mde, tau2, mss, previous: previous[v.name] ?? 1, controlMetric: controlSummary.metric }),
  );
  return { kind, control: control.name, alpha, power, direction, mde, variants: summaries, comparisons };
}

interface CompareContext {
  alpha: number;
  power: number;
  direction: 'higher' | 'lower';
  mde: number | null;
  tau2: number | null;
  mss: number | null;
  previous: number;
  controlMetric: number | null;
}

function compare(v: AbVariantInput, control: AbVariantInput, ctx: CompareContext): AbComparison {
  const a = control.outcomes;
  const b = v.outcomes;
  const base = { variant: v.name, control: control.name, alpha: ctx.alpha };
  const hasData = a.kind === 'rate' && b.kind === 'rate' ? a.trials > 0 && b.trials > 0 : a.kind === 'mean' && b.kind === 'mean' && a.n >= 2 && b.n >= 2;
  if (!hasData) {
    const { verdict, reason } = decideVerdict({ ...facts(v, control, ctx), hasData: false, difference: 0, fixedPValue: 1, alwaysValidP: null, alwaysValidCi: null, requiredPerArm: ctx.mss, observedPerArm: 0 });
    return { ...base, difference: null, relativeDifference: null, test: null, sequential: null, minimumSampleSize: mssReport(ctx, 0), verdict, reason };
  }
  let test: NonNullable<AbComparison['test']>;
  let look: SequentialLook;
  let ciLook: SequentialLook;
  let observedPerArm: number;
  if (a.kind === 'rate' && b.kind === 'rate') {
    const r = twoProportionZTest(a, b, { alpha: ctx.alpha });
    test = { method: 'two-proportion z-test', statistic: r.z, df: null, pValue: r.pValue, ci: r.ci };
    look = rateLook(a, b);
    ciLook = rateLookUnpooled(a, b);
    observedPerArm = Math.min(a.trials, b.trials);
  } else if (a.kind === 'mean' && b.kind === 'mean') {
    const r = welchTTest(a, b, { alpha: ctx.alpha });
    test = { method: 'Welch t-test', statistic: Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, r.t)), df: r.df, pValue: r.pValue, ci: r.ci };
    look = meanLook(a, b);
    ciLook = look;
    observedPerArm = Math.min(a.n, b.n);
  } else {
    throw new InputError('all variants must have the same outcome kind', { field: 'variants' });
  }
  let sequential: AbComparison['sequential'] = null;
  if (ctx.tau2 !== null && observedPerArm < MIN_SEQUENTIAL_OBSERVATIONS) {
    sequential = { method: 'mSPRT', tau2: ctx.tau2, likelihoodRatio: 1, logLikelihoodRatio: 0, alwaysValidP: ctx.previous, ci: null, lookCounted: false };
  } else if (ctx.tau2 !== null) {
    const step = msprtUpdate(ctx.previous, look, { tau2: ctx.tau2 });
    const ci = msprtConfidenceInterval(ciLook, { tau2: ctx.tau2, alpha: ctx.alpha });
    const likelihoodRatio = Math.min(step.likelihoodRatio, Number.MAX_VALUE);
    sequential = { method: 'mSPRT', tau2: ctx.tau2, likelihoodRatio, logLikelihoodRatio: step.logLikelihoodRatio, alwaysValidP: step.pValue, ci, lookCounted: true };
  }
  const difference = look.diff;
  const { verdict, reason } = decideVerdict({
    ...facts(v, control, ctx),
    hasData: true,
    difference,
    fixedPValue: test.pValue,
    alwaysValidP: sequential ? sequential.alwaysValidP : null,
    alwaysValidCi: sequential ? sequential.ci : null,
    requiredPerArm: ctx.mss,
    observedPerArm,
  });
  const relativeDifference = ctx.controlMetric !== null && ctx.controlMetric !== 0 ? difference / Math.abs(ctx.controlMetric) : null;
  return { ...base, difference, relativeDifference, test, sequential, minimumSampleSize: mssReport(ctx, observedPerArm), verdict, reason };
}

function facts(v: AbVariantInput, control: AbVariantInput, ctx: CompareContext): { variant: string; control: string; direction: 'higher' | 'lower'; alpha: number; mde: number | null } {
  return { variant: v.name, control: control.name, direction: ctx.direction, alpha: ctx.alpha, mde: ctx.mde };
}

function mssReport(ctx: CompareContext, observedPerArm: number): AbComparison['minimumSampleSize'] {
  if (ctx.mss === null || ctx.mde === null) return null;
  return { mde: ctx.mde, power: ctx.power, perArm: ctx.mss, reached: observedPerArm >= ctx.mss };
}

/**
 * Observations per arm for mde at power, from the control's outcomes. For rates the mde is applied in
 * the direction that needs more data (towards ½, where the variance is largest); both arms are sized
 * alike, so a lopsided split still has at least the requested power once both arms reach it.
 */
function sizeFor(outcomes: AbOutcomes, mde: number, alpha: number, power: number): number | null {
  if (power <= alpha) return null;
  if (outcomes.kind === 'rate') {
    if (outcomes.trials === 0) return null;
    const p = outcomes.successes / outcomes.trials;
    const signed = p <= 0.5 ? mde : -mde;
    if (p + signed < 0 || p + signed > 1) return null;
    return minimumSampleSize({ baselineRate: p, minimumDetectableEffect: signed, alpha, power }).control;
  }
  if (outcomes.n < 2 || outcomes.variance === 0) return null;
  return minimumSampleSize({ kind: 'mean', standardDeviation: Math.sqrt(outcomes.variance), minimumDetectableEffect: mde, alpha, power }).control;
}

function defaultMde(controlMetric: number | null): number | null {
  if (controlMetric === null || controlMetric === 0) return null;
  return DEFAULT_RELATIVE_MDE * Math.abs(controlMetric);
}

function summarize(v: AbVariantInput, alpha: number): AbVariantSummary {
  const o = v.outcomes;
  if (o.kind === 'rate') {
    return { name: v.name, requests: v.requests, observations: o.trials, metric: o.trials > 0 ? o.successes / o.trials : null, ci: o.trials > 0 ? wilsonInterval(o, { alpha }) : null };
  }
  return { name: v.name, requests: v.requests, observations: o.n, metric: o.n > 0 ? o.mean : null, ci: o.n >= 2 ? meanInterval(o, { alpha }) : null };
}

function checkVariants(variants: unknown): AbVariantInput[] {
  if (!Array.isArray(variants) || variants.length < 2) throw new InputError('variants must be an array of at least two variants (a control and a challenger)', { field: 'variants' });
  if (variants.length > MAX_VARIANTS) throw new InputError(`at most ${MAX_VARIANTS} variants can be compared, got ${variants.length}`, { field: 'variants' });
  const seen = new Set<string>();
  const out = variants.map((raw: unknown, i): AbVariantInput => {
    const field = `variants[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new InputError(`${field} must be an object {name, requests, outcomes}`, { field });
    const v = raw as Partial<AbVariantInput>;
    if (typeof v.name !== 'string' || v.name.length === 0 || v.name.length > MAX_NAME) {
      throw new InputError(`${field}.name must be a non-empty string of at most ${MAX_NAME} characters`, { field: `${field}.name` });
    }
    if (seen.has(v.name)) throw new InputError(`variant name '${v.name}' appears twice`, { field: `${field}.name` });
    seen.add(v.name);
    const requests = checkCount(v.requests, `${field}.requests`);
    return { name: v.name, requests, outcomes: checkOutcomes(v.outcomes, `${field}.outcomes`) };
  });
  const kind = out[0].outcomes.kind;
  const other = out.findIndex((v) => v.outcomes.kind !== kind);
  if (other >= 0) throw new InputError(`variants[${other}].outcomes.kind is '${out[other].outcomes.kind}' but variants[0] has '${kind}'; compare one metric at a time`, { field: `variants[${other}].outcomes.kind` });
  return out;
}

function checkOutcomes(raw: unknown, field: string): AbOutcomes {
  if (typeof raw !== 'object' || raw === null) throw new InputError(`${field} must be an object with kind 'rate' or 'mean'`, { field });
  const o = raw as Record<string, unknown>;
  if (o.kind === 'rate') {
    const trials = checkCount(o.trials, `${field}.trials`);
    const successes = checkCount(o.successes, `${field}.successes`);
    if (successes > trials) throw new InputError(`${field}.successes (${successes}) exceeds ${field}.trials (${trials})`, { field: `${field}.successes` });
    return { kind: 'rate', successes, trials };
  }
  if (o.kind === 'mean') {
    const n = checkCount(o.n, `${field}.n`);
    for (const k of ['mean', 'variance'] as const) {
      if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) throw new InputError(`${field}.${k} must be a finite number, got ${String(o[k])}`, { field: `${field}.${k}` });
    }
    if ((o.variance as number) < 0) throw new InputError(`${field}.variance must be >= 0`, { field: `${field}.variance` });
    return { kind: 'mean', mean: o.mean as number, variance: o.variance as number, n };
  }
  throw new InputError(`${field}.kind must be 'rate' or 'mean', got ${JSON.stringify(o.kind) ?? 'undefined'}`, { field: `${field}.kind` });
}

function checkPrevious(previous: Record<string, number> | undefined): Record<string, number> {
  if (previous === undefined) return {};
  if (typeof previous !== 'object' || previous === null || Array.isArray(previous)) throw new InputError('sequential.previousPValues must be an object of variant name to p-value', { field: 'sequential.previousPValues' });
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [name, p] of Object.entries(previous)) {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new InputError(`sequential.previousPValues['${name}'] must be in [0, 1], got ${String(p)}`, { field: `sequential.previousPValues.${name}` });
    out[name] = p;
  }
  return out;
}
