/**
 * The study loop with fake objectives: for a seed and K, every trial's parameters are the same whatever
 * the timing (random delays), after a crash and resume, and at K = 1 equal plain sequential TPE; at most
 * K trials run at once; grids, deadlines, signals and fatal errors stop it as documented.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { createGridSampler } from '../../ml/tuning/grid-sampler.js';
import type { TrialRecord } from '../../ml/tuning/sampler.js';
import { parseSearchSpace } from '../../ml/tuning/search-space.js';
import type { ParamValues } from '../../ml/tuning/search-space.js';
import { createTpeSampler } from '../../ml/tuning/tpe-sampler.js';
import { scheduleTrials } from './schedule-trials.js';
import type { ScheduledOutcome, ScheduleOptions } from './schedule-trials.js';
import { samplerView, trialSeed } from './trial-window.js';

const space = parseSearchSpace({
  x: { type: 'float', low: -5, high: 5 },
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  depth: { type: 'int', low: 1, high: 12 },
  kind: { type: 'categorical', choices: ['a', 'b', 'c'] },
});

function objective(p: ParamValues): number {
  return ((p.x as number) - 1.5) ** 2 + (Math.log10(p.lr as number) + 2) ** 2 + 0.1 * ((p.depth as number) - 6) ** 2 + (p.kind === 'b' ? 0 : 1);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Run a study of the fake objective; `delay(n)` decides how long trial n takes. */
async function study(opts: { total: number; parallel: number; seed?: number; delay?: (n: number) => number; previous?: ScheduledOutcome[]; signal?: AbortSignal; extra?: Partial<ScheduleOptions<ScheduledOutcome>> }) {
  let running = 0;
  let maxRunning = 0;
  const peersSeen = new Map<number, number[]>();
  const result = await scheduleTrials<ScheduledOutcome>({
    total: opts.total,
    parallel: opts.parallel,
    seed: opts.seed ?? 7,
    space,
    sampler: createTpeSampler(),
    direction: 'minimize',
    previous: opts.previous ?? [],
    deadline: Infinity,
    signal: opts.signal ?? new AbortController().signal,
    async execute(n, params, peers) {
      running++;
      maxRunning = Math.max(maxRunning, running);
      peersSeen.set(n, peers.map((p) => p.number));
      await sleep(opts.delay ? opts.delay(n) : 0);
      running--;
      return { number: n, params, state: 'complete', value: objective(params), intermediate: new Map() };
    },
    ...opts.extra,
  });
  return { ...result, maxRunning, peersSeen };
}

function paramsByNumber(ended: Map<number, ScheduledOutcome>): ParamValues[] {
  return [...ended.values()].sort((a, b) => a.number - b.number).map((t) => t.params);
}

describe('scheduleTrials', () => {
  it('asks the same parameters for a seed and K whatever the timing', async () => {
    const jitter = new Rng(99);
    const a = await study({ total: 24, parallel: 3, delay: () => jitter.int(8) });
    const b = await study({ total: 24, parallel: 3, delay: (n) => (n % 3) * 5 });
    const c = await study({ total: 24, parallel: 3, delay: (n) => (24 - n) % 7 });
    expect(a.ended.size).toBe(24);
    expect(paramsByNumber(b.ended)).toEqual(paramsByNumber(a.ended));
    expect(paramsByNumber(c.ended)).toEqual(paramsByNumber(a.ended));
    expect(a.maxRunning).toBe(3);
    expect(a.stop).toBeNull();
    // The pruner of trial n sees exactly trials 0..n-K.
    expect(a.peersSeen.get(10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // A different seed asks differently; TPE still improves on its random start.
    const other = await study({ total: 24, parallel: 3, seed: 8 });
    expect(paramsByNumber(other.ended)).not.toEqual(paramsByNumber(a.ended));
    const values = [...a.ended.values()].sort((x, y) => x.number - y.number).map((t) => t.value as number);
    expect(Math.min(...values.slice(10))).toBeLessThan(Math.min(...values.slice(0, 10)));
  });

  it('at K = 1 is plain sequential sampling with per-trial seeds', async () => {
    const { ended } = await study({ total: 15, parallel: 1 });
    const sampler = createTpeSampler();
    const trials = new Map<number, TrialRecord>();
    for (let n = 0; n < 15; n++) {
      const params = sampler.sample(space, samplerView(n, 1, trials), 'minimize', new Rng(trialSeed(7, n))) as ParamValues;
      trials.set(n, { number: n, params, state: 'complete', value: objective(params), intermediate: new Map() });
    }
    expect(paramsByNumber(ended)).toEqual([...trials.values()].map((t) => t.params));
  });

  it('resumes a crashed study to the same trials, never re-running ended ones', async () => {
    const full = await study({ total: 20, parallel: 2 });
    // The crash left trials 0..8 ended except 6 (it was running, now killed); 9 never started.
    const previous = [...full.ended.values()].filter((t) => t.number < 9 && t.number !== 6);
    const executed: number[] = [];
    const resumed = await study({ total: 20, parallel: 2, previous, delay: (n) => n % 3 });
    const again = await scheduleTrials<ScheduledOutcome>({
      total: 20,
      parallel: 2,
      seed: 7,
      space,
      sampler: createTpeSampler(),
      direction: 'minimize',
      previous,
      deadline: Infinity,
      signal: new AbortController().signal,
      execute: (n, params) => {
        executed.push(n);
        return Promise.resolve({ number: n, params, state: 'complete', value: objective(params), intermediate: new Map() });
      },
    });
    expect(executed).toEqual([6, ...Array.from({ length: 11 }, (_, i) => 9 + i)]);
    expect(paramsByNumber(resumed.ended)).toEqual(paramsByNumber(full.ended));
    expect(paramsByNumber(again.ended)).toEqual(paramsByNumber(full.ended));
  });

  it('stops at an exhausted grid without repeating a point, even in parallel', async () => {
    const grid = parseSearchSpace({ a: { type: 'int', low: 1, high: 3 }, b: { type: 'categorical', choices: ['x', 'y'] } });
    const { ended, stop } = await scheduleTrials<ScheduledOutcome>({
      total: 50,
      parallel: 3,
      seed: 3,
      space: grid,
      sampler: createGridSampler(3),
      direction: 'maximize',
      previous: [],
      deadline: Infinity,
      signal: new AbortController().signal,
      execute: async (n, params) => {
        await sleep(n % 2);
        return { number: n, params, state: 'complete', value: (params.a as number) + (params.b === 'y' ? 1 : 0), intermediate: new Map() };
      },
    });
    expect(stop).toBe('grid-exhausted');
    expect(ended.size).toBe(6);
    expect(new Set([...ended.values()].map((t) => JSON.stringify(t.params))).size).toBe(6);
  });

  it('asks nothing after the deadline, and stops when onEnded asks', async () => {
    const late = await study({ total: 5, parallel: 1, extra: { deadline: Date.now() - 1 } });
    expect(late).toMatchObject({ stop: 'timeout' });
    expect(late.ended.size).toBe(0);
    const stopped = await study({ total: 30, parallel: 2, extra: { onEnded: (_o, ended) => (ended.size >= 4 ? 'failures' : null) } });
    expect(stopped.stop).toBe('failures');
    expect(stopped.ended.size).toBeLessThanOrEqual(5);
  });

  it('rejects with the signal reason (stopped trials are not ended) and with a fatal error', async () => {
    const controller = new AbortController();
    const run = scheduleTrials<ScheduledOutcome>({
      total: 10,
      parallel: 2,
      seed: 1,
      space,
      sampler: createTpeSampler(),
      direction: 'minimize',
      previous: [],
      deadline: Infinity,
      signal: controller.signal,
      execute: async (n, params) => {
        if (n === 3) controller.abort(new Error('stop now'));
        await sleep(1);
        return { number: n, params, state: 'failed', value: null, intermediate: new Map(), stopped: n >= 3 };
      },
    });
    await expect(run).rejects.toThrow('stop now');
    await expect(study({ total: 5, parallel: 2, extra: { execute: () => Promise.reject(new Error('database gone')) } })).rejects.toThrow('database gone');
  });
});
