/**
 * The study loop, apart from what a trial does: asks trials in number order through the deterministic
 * window of trial-window.ts, runs up to K at once through `execute`, and stops at the budget, an exhausted
 * grid, the deadline, the `stop` a caller's `onEnded` returns, or the signal. Trials already ended
 * (`previous`, from a resumed study) are never asked again; missing numbers are. Plain and timing-free, so
 * tests drive it with fake objectives and random delays.
 */
import { Rng } from '../../core/rng.js';
import type { Direction, Sampler, TrialRecord } from '../../ml/tuning/sampler.js';
import type { ParamValues, SearchSpace } from '../../ml/tuning/search-space.js';
import { canAsk, prunerView, samplerView, trialSeed } from './trial-window.js';

/** A trial result; `stopped` = the signal stopped it (not an ending: a resume asks it again). */
export type ScheduledOutcome = TrialRecord & { readonly stopped?: boolean };

/** Why asking stopped (null: the budget was reached). */
export type ScheduleStop = 'grid-exhausted' | 'timeout' | 'failures' | null;

/** What the loop needs. */
export interface ScheduleOptions<T extends ScheduledOutcome> {
  readonly total: number;
  readonly parallel: number;
  readonly seed: number;
  readonly space: SearchSpace;
  readonly sampler: Sampler;
  readonly direction: Direction;
  readonly previous: readonly T[];
  /** Epoch ms after which no trial is asked (Infinity: none). */
  readonly deadline: number;
  readonly signal: AbortSignal;
  /** Runs trial n; `peers` are what its pruner compares it with. Rejecting is fatal to the study. */
  execute(n: number, params: ParamValues, peers: readonly TrialRecord[]): Promise<T>;
  /** After each ended trial, with the number still running; may ask the loop to stop asking. */
  onEnded?(outcome: T, ended: ReadonlyMap<number, T>, running: number): ScheduleStop | void;
}

/** Run the loop; resolves with every ended trial (previous ones included) and why asking stopped. */
export async function scheduleTrials<T extends ScheduledOutcome>(o: ScheduleOptions<T>): Promise<{ ended: Map<number, T>; stop: ScheduleStop }> {
  const ended = new Map<number, T>(o.previous.map((t) => [t.number, t]));
  const known = new Map<number, TrialRecord>(o.previous.map((t) => [t.number, t]));
  const running = new Map<number, Promise<void>>();
  const state: { stop: ScheduleStop; fatal: { error: unknown } | null } = { stop: null, fatal: null };
  const firstFree = (): number | null => {
    for (let n = 0; n < o.total; n++) if (!ended.has(n) && !running.has(n)) return n;
    return null;
  };
  for (;;) {
    while (state.stop === null && state.fatal === null && !o.signal.aborted) {
      if (Date.now() >= o.deadline) {
        state.stop = 'timeout';
        break;
      }
      const n = firstFree();
      if (n === null || !canAsk(n, o.parallel, (m) => ended.has(m))) break;
      const params = o.sampler.sample(o.space, samplerView(n, o.parallel, known), o.direction, new Rng(trialSeed(o.seed, n)));
      if (params === null) {
        state.stop = 'grid-exhausted';
        break;
      }
      known.set(n, { number: n, params, state: 'running', value: null, intermediate: new Map() });
      const task = o.execute(n, params, prunerView(n, o.parallel, known)).then(
        (outcome) => {
          if (outcome.stopped) return;
          ended.set(n, outcome);
          known.set(n, outcome);
          // This trial is still in `running` until its promise settles.
          const asked = o.onEnded?.(outcome, ended, running.size - 1);
          if (asked) state.stop ??= asked;
        },
        (err: unknown) => {
          state.fatal ??= { error: err };
        },
      );
      running.set(n, task.finally(() => running.delete(n)));
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (state.fatal) throw state.fatal.error;
  o.signal.throwIfAborted();
  return { ended, stop: state.stop };
}
