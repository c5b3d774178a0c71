/**
 * Checks a rollout request and turns it into the plan stored with the rollout (`RolloutSpec`): the
 * strategy's steps (canary: a small share, then 100; linear: n equal steps; blue/green: 100 at once;
 * shadow: 0 live; A/B: fixed weights), the bake duration, guards, sticky key and shadow rate. Pure: every
 * bad field is a UsageError naming it, before anything is written.
 */
import { UsageError } from '../../core/errors.js';
import type { EndpointVariant } from '../../store/endpoint-repository.js';
import type { RolloutSpec, RolloutStrategy } from '../../store/rollout-repository.js';
import { ROLLOUT_STRATEGIES } from '../../store/rollout-repository.js';
import { parseGuards } from './guard-expression.js';

/** What a caller asks for (CLI flags and the HTTP body have these names). */
export interface StartRolloutInput {
  /** The new model (`NAME@VERSION`, `NAME@ALIAS`, `trained:ID`; bundle paths from the CLI only). */
  readonly to: string;
  readonly strategy: string;
  /** Candidate share per step in percent (`[10, 50, 100]`); canary default [10, 100], linear default 4 steps. */
  readonly steps?: readonly number[];
  /** Linear: number of equal steps when `steps` is not given (default 4). */
  readonly stepCount?: number;
  /** Baking time per step: `5m`, `90s`, `1500ms` or milliseconds (default 5m). */
  readonly bake?: string | number;
  readonly guards?: readonly string[];
  /** Guard window (default: the bake); a step's start bounds it too. */
  readonly window?: string | number;
  /** Requests the candidate needs in the window before a guard is judged (default 20). */
  readonly minRequests?: number;
  /** A/B: request field, or `header:NAME`, whose hash assigns the variant. */
  readonly stickyKey?: string;
  /** A/B: percent per variant, baseline then candidate, summing to 100 (default 50,50). */
  readonly weights?: readonly number[];
  /** Shadow: share of live requests mirrored to the candidate, (0, 1] (default 1). */
  readonly shadowSampleRate?: number;
  /** A/B and bandit: the smallest outcome difference worth detecting (absolute, > 0). */
  readonly mde?: number;
  /** Variant name of the candidate on the endpoint (default `candidate`). */
  readonly candidateVariant?: string;
  /** Registry alias to point at the new version on promotion. */
  readonly promoteAlias?: string;
  /** Waive a failing registry gate (needs `reason`; audited). */
  readonly override?: boolean;
  readonly reason?: string;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const STICKY = /^(?:header:[A-Za-z0-9-]{1,100}|[A-Za-z_][A-Za-z0-9_.-]{0,99})$/;
const VARIANT = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const ALIAS = /^[a-z][a-z0-9_-]{0,62}$/;
/** Longest bake: a week. */
const MAX_BAKE_MS = 7 * 24 * 3_600_000;

/** A duration (`5m`, `90s`, `1500ms`, `1h`, or a number of ms) in ms; a UsageError naming `field` otherwise. */
export function parseDuration(value: string | number, field: string): number {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else {
    const m = DURATION.exec(value.trim());
    if (!m) throw new UsageError(`${field} must be a duration like 5m, 90s or 1500ms (got ${JSON.stringify(value.slice(0, 40))})`, { field });
    ms = Number(m[1]) * UNIT_MS[m[2] ?? 'ms'];
  }
  if (!Number.isFinite(ms) || ms < 100 || ms > MAX_BAKE_MS) throw new UsageError(`${field} must be from 100ms to 7 days`, { field });
  return Math.round(ms);
}

function checkPercentList(values: readonly unknown[], field: string): number[] {
  if (values.length === 0 || values.length > 20) throw new UsageError(`${field} needs 1 to 20 values`, { field });
  return values.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) throw new UsageError(`${field}[${i}] must be a percentage from 0 to 100 (got ${JSON.stringify(v)})`, { field });
    return v;
  });
}

/** Steps of a strategy, checked: increasing, each in (0, 100], ending at 100. */
function stepsOf(strategy: RolloutStrategy, input: StartRolloutInput): number[] {
  if (strategy === 'blue-green') {
    if (input.steps !== undefined && (input.steps.length !== 1 || input.steps[0] !== 100)) throw new UsageError('blue-green moves all traffic at once: --steps is not used (or must be 100)', { field: 'steps' });
    return [100];
  }
  if (strategy === 'shadow' || strategy === 'ab' || strategy === 'bandit') {
    if (input.steps !== undefined) throw new UsageError(`${strategy} has no traffic steps: --steps is for canary and linear`, { field: 'steps' });
    return [0];
  }
  let steps: number[];
  if (input.steps !== undefined) steps = checkPercentList(input.steps, 'steps');
  else if (strategy === 'canary') steps = [10, 100];
  else {
    const n = input.stepCount ?? 4;
    if (!Number.isInteger(n) || n < 1 || n > 20) throw new UsageError('stepCount must be a whole number from 1 to 20', { field: 'stepCount' });
    steps = Array.from({ length: n }, (_, i) => Math.round(((i + 1) * 10000) / n) / 100);
  }
  for (let i = 0; i < steps.length; i++) {
    if (steps[i] <= 0) throw new UsageError(`steps[${i}] must be above 0 (got ${steps[i]})`, { field: 'steps' });
    if (i > 0 && steps[i] <= steps[i - 1]) throw new UsageError(`steps must increase (steps[${i}] = ${steps[i]} after ${steps[i - 1]})`, { field: 'steps' });
  }
  if (steps[steps.length - 1] !== 100) throw new UsageError(`the last step must be 100 (got ${steps[steps.length - 1]}): a ${strategy} rollout ends with all traffic on the new version`, { field: 'steps' });
  if (strategy === 'canary' && steps.length < 2) throw new UsageError('a canary needs a small first step before 100 (e.g. --steps 10,100); use blue-green for all at once', { field: 'steps' });
  return steps;
}

/** The strategy, or a UsageError listing them. */
export function checkStrategy(strategy: unknown): RolloutStrategy {
  if (typeof strategy !== 'string' || !(ROLLOUT_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new UsageError(`strategy must be one of ${ROLLOUT_STRATEGIES.join(', ')} (got ${JSON.stringify(String(strategy).slice(0, 40))})`, { field: 'strategy' });
  }
  return strategy as RolloutStrategy;
}

/** Check a request against the endpoint's current variants and build the stored plan. */
export function planRollout(input: StartRolloutInput, variants: readonly EndpointVariant[]): RolloutSpec {
  const strategy = checkStrategy(input.strategy);
  if (typeof input.to !== 'string' || input.to.trim() === '' || input.to.length > 1024) throw new UsageError('to must be a model reference (NAME@VERSION, NAME@ALIAS or trained:ID)', { field: 'to' });
  const live = variants.filter((v) => v.weight > 0);
  if (live.length !== 1) {
    throw new UsageError(`endpoint serves ${live.length} variants with traffic (${variants.map((v) => `${v.name}=${v.weight}`).join(', ')}); a rollout starts from one`, { field: 'endpoint' }, 'Point the endpoint at one model first (kiln endpoints update NAME --model REF).');
  }
  const baseline = live[0];
  if (baseline.model === input.to) throw new UsageError(`the endpoint already serves ${input.to}`, { field: 'to' });
  const candidateVariant = input.candidateVariant ?? 'candidate';
  if (!VARIANT.test(candidateVariant) || candidateVariant === baseline.name) throw new UsageError(`candidateVariant must be a variant name other than "${baseline.name}"`, { field: 'candidateVariant' });
  const steps = stepsOf(strategy, input);
  const bakeMs = parseDuration(input.bake ?? '5m', 'bake');
  const windowMs = input.window === undefined ? bakeMs : parseDuration(input.window, 'window');
  const guards = parseGuards(input.guards ?? []).map((g) => g.source);
  const minRequests = input.minRequests ?? 20;
  if (!Number.isInteger(minRequests) || minRequests < 1 || minRequests > 1e6) throw new UsageError('minRequests must be a whole number from 1 to 1000000', { field: 'minRequests' });
  let stickyKey: string | null = null;
  if (input.stickyKey !== undefined) {
    if (strategy !== 'ab' && strategy !== 'bandit') throw new UsageError('--sticky-key is for ab and bandit rollouts (the others move traffic by share)', { field: 'stickyKey' });
    if (typeof input.stickyKey !== 'string' || !STICKY.test(input.stickyKey)) throw new UsageError('stickyKey must be a field name (user_id) or header:NAME (header:x-user-id)', { field: 'stickyKey' });
    stickyKey = input.stickyKey;
  }
  let weights: number[] | null = null;
  if (input.weights !== undefined) {
    if (strategy !== 'ab' && strategy !== 'bandit') throw new UsageError('--weights is for ab (and a bandit\'s starting split)', { field: 'weights' });
    weights = checkPercentList(input.weights, 'weights');
    if (weights.length !== 2) throw new UsageError(`weights needs 2 values (baseline, candidate), got ${weights.length}`, { field: 'weights' });
    const sum = weights[0] + weights[1];
    if (Math.abs(sum - 100) > 1e-9) throw new UsageError(`weights must sum to 100 (got ${weights.join(' + ')} = ${sum})`, { field: 'weights' });
    if (weights.some((w) => w <= 0)) throw new UsageError('each A/B weight must be above 0', { field: 'weights' });
  } else if (strategy === 'ab' || strategy === 'bandit') weights = [50, 50];
  const rate = input.shadowSampleRate ?? 1;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 1) throw new UsageError('shadowSampleRate must be a number in (0, 1]', { field: 'shadowSampleRate' });
  if (input.shadowSampleRate !== undefined && strategy !== 'shadow') throw new UsageError('--shadow-rate is for shadow rollouts', { field: 'shadowSampleRate' });
  let mde: number | null = null;
  if (input.mde !== undefined) {
    if (strategy !== 'ab' && strategy !== 'bandit') throw new UsageError('--mde is for ab and bandit rollouts', { field: 'mde' });
    if (typeof input.mde !== 'number' || !Number.isFinite(input.mde) || input.mde <= 0) throw new UsageError('mde must be a number above 0 (an absolute difference, e.g. 0.01 for one percentage point)', { field: 'mde' });
    mde = input.mde;
  }
  const promoteAlias = input.promoteAlias ?? null;
  if (promoteAlias !== null && (typeof promoteAlias !== 'string' || !ALIAS.test(promoteAlias))) throw new UsageError('promoteAlias must be an alias name (lowercase letters, digits, "_", "-")', { field: 'promoteAlias' });
  return {
    to: input.to,
    baselineVariant: baseline.name,
    baselineModel: baseline.model,
    candidateVariant,
    originalVariants: variants.map((v) => ({ name: v.name, model: v.model, weight: v.weight })),
    steps,
    bakeMs,
    guards,
    windowMs,
    minRequests,
    stickyKey,
    shadowSampleRate: rate,
    weights,
    promoteAlias,
    mde,
    override: null,
  };
}

/** The candidate's share when a rollout starts: the first step, or the A/B (bandit: starting) weights. */
export function initialPercent(spec: RolloutSpec, strategy: RolloutStrategy): number {
  return (strategy === 'ab' || strategy === 'bandit') && spec.weights ? spec.weights[1] : spec.steps[0];
}

/** The endpoint's variants while the candidate has `candidatePercent` of the traffic. */
export function variantsAt(spec: RolloutSpec, candidatePercent: number): EndpointVariant[] {
  return [
    // At 100% the old version keeps weight 0: loaded, no traffic, ready to take it back on a breach.
    { name: spec.baselineVariant, model: spec.baselineModel, weight: 100 - candidatePercent },
    { name: spec.candidateVariant, model: spec.to, weight: candidatePercent },
  ];
}
