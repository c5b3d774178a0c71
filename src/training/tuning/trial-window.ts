/**
 * Deterministic parallel asking (a sliding window). With K parallel trials, trial n is asked only once
 * trials 0..n-K have all ended, and its sampler sees exactly those trials, plus trials n-K+1..n-1 as
 * "running" (their parameters, no value), whatever the timing. Its pruner compares it with trials
 * 0..n-K only. Trial n draws from its own Rng seeded by (study seed, n). So, for a given seed and K,
 * every trial's parameters and pruning decisions are fixed, however the threads interleave and whether
 * or not the study was killed and resumed in between; K = 1 is plain sequential TPE. At most K trials run
 * at once (when n starts, only n-K+1..n-1 may still run); a straggler among the oldest K holds new asks
 * back, the price of determinism (Optuna's n_jobs asks from whatever has finished and is not
 * reproducible).
 */
import type { TrialRecord } from '../../ml/tuning/sampler.js';

/** The seed of trial n's sampling Rng (splitmix32 of the study seed and n). */
export function trialSeed(seed: number, n: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(n + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Whether trial n may be asked: every trial numbered 0..n-K has ended. */
export function canAsk(n: number, parallel: number, ended: (m: number) => boolean): boolean {
  for (let m = 0; m <= n - parallel; m++) if (!ended(m)) return false;
  return true;
}

/** What trial n's sampler sees: ended trials 0..n-K as they ended, n-K+1..n-1 as running. */
export function samplerView(n: number, parallel: number, trials: ReadonlyMap<number, TrialRecord>): TrialRecord[] {
  const out: TrialRecord[] = [];
  for (let m = 0; m < n; m++) {
    const t = trials.get(m);
    if (!t) continue;
    out.push(m <= n - parallel ? t : { number: m, params: t.params, state: 'running', value: null, intermediate: new Map() });
  }
  return out;
}

/** What trial n's pruner compares it with: the ended trials 0..n-K. */
export function prunerView(n: number, parallel: number, trials: ReadonlyMap<number, TrialRecord>): TrialRecord[] {
  const out: TrialRecord[] = [];
  for (let m = 0; m <= n - parallel; m++) {
    const t = trials.get(m);
    if (t && t.state !== 'running') out.push(t);
  }
  return out;
}
