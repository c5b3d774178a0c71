/**
 * Benchmark (not a test) for issue #8's tuning goals, Kiln against Optuna 5 on the same objective:
 * 1. quality on the real objective: `kiln tune` (TPE and random, no pruning) and Optuna's TPESampler driving
 *    Kiln's own trial objective (objective-server.ts: the same data, split, seed, fixed params and space),
 *    median best validation AUC over the seeds after 25 and 50 trials;
 * 2. quality on a cheap deterministic function of the same space (many seeds: the samplers alone);
 * 3. sampler overhead per ask at 500 trials;
 * 4. wall time of 50 trials with `--parallel 2` against Optuna with n_jobs=2 (two objective servers).
 * Needs `dist/` (npm run build) and /work/venv/bin/python with optuna 5 (OPTUNA_PYTHON overrides).
 * Run: `npx tsx bench/tuning/tuning-bench.ts [--seeds 5] [--trials 50] [--synth-seeds 20] [--parts quality,synth,overhead,wall] [--fixed JSON]`
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import type { TrialRecord } from '../../src/ml/tuning/sampler.js';
import { parseSearchSpace } from '../../src/ml/tuning/search-space.js';
import type { ParamValues } from '../../src/ml/tuning/search-space.js';
import { randomSampler } from '../../src/ml/tuning/random-sampler.js';
import { createTpeSampler } from '../../src/ml/tuning/tpe-sampler.js';
import { defaultSpaceDocument } from '../../src/training/tuning/algorithm-spaces.js';
import { samplerView, trialSeed } from '../../src/training/tuning/trial-window.js';

const REPO = resolve(import.meta.dirname, '../..');
const arg = (name: string, dflt: string): string => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const SEEDS = Number(arg('--seeds', '5'));
const TRIALS = Number(arg('--trials', '50'));
const SYNTH_SEEDS = Number(arg('--synth-seeds', '20'));
const PARTS = arg('--parts', 'quality,synth,overhead,wall').split(',');
const PYTHON = process.env.OPTUNA_PYTHON ?? '/work/venv/bin/python';
const DATA = join(REPO, 'examples/telco-churn.csv');
/** Fixed params of every trial on both sides: capped trees keep the bench small on a loaded machine. */
const FIXED = JSON.parse(arg('--fixed', '{"numTrees": 60, "earlyStoppingRounds": 10, "numThreads": 1}')) as Record<string, unknown>;
const SPACE_DOC = defaultSpaceDocument('gbdt');
const SPACE = parseSearchSpace(SPACE_DOC);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const bestAfter = (values: (number | null)[], n: number): number => Math.max(...values.slice(0, n).map((v) => v ?? -Infinity));
const fmt = (x: number, d = 4): string => x.toFixed(d);

function kilnTune(seed: number, sampler: string, parallel: number): { values: (number | null)[]; params: ParamValues[]; wall: number } {
  const home = mkdtempSync(join(tmpdir(), 'kiln-tune-bench-'));
  try {
    const t0 = performance.now();
    const out = execFileSync(
      process.execPath,
      [join(REPO, 'bin/kiln.js'), 'tune', '--data', DATA, '--target', 'Churn', '--exclude', 'customerID', '--algo', 'gbdt', '--trials', String(TRIALS), '--sampler', sampler, '--pruner', 'none', '--parallel', String(parallel), '--metric', 'auc', '--seed', String(seed), '--params', JSON.stringify(FIXED), '--out', join(home, 'best.kiln.json'), '--json', '--quiet'],
      { env: { ...process.env, KILN_HOME: home, KILN_DATABASE_URL: '' }, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] },
    ).toString();
    const wall = (performance.now() - t0) / 1000;
    const doc = JSON.parse(out) as { trials: { number: number; value: number | null; params: ParamValues }[] };
    const trials = doc.trials.sort((a, b) => a.number - b.number);
    return { values: trials.map((t) => t.value), params: trials.map((t) => t.params), wall };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const SERVER = [process.execPath, '--import', 'tsx', join(REPO, 'bench/tuning/objective-server.ts'), DATA, 'Churn', 'customerID'];

function optuna(config: Record<string, unknown>): Record<string, unknown> {
  const out = execFileSync(PYTHON, [join(REPO, 'bench/tuning/optuna_study.py'), JSON.stringify({ space: SPACE_DOC, cwd: REPO, ...config })], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.toString()) as Record<string, unknown>;
}

function optunaOnKiln(seed: number, jobs: number): { values: (number | null)[]; wall: number } {
  const doc = optuna({ mode: 'kiln', sampler: 'tpe', seed, trials: TRIALS, jobs, server: [...SERVER, String(seed), JSON.stringify(FIXED)] }) as { values: (number | null)[]; wallSeconds: number };
  return { values: doc.values, wall: doc.wallSeconds };
}

/** The objective server's value for some params (checks that both sides optimize the same function). */
async function serverValue(seed: number, params: ParamValues): Promise<number> {
  const child = spawn(SERVER[0], [...SERVER.slice(1), String(seed), JSON.stringify(FIXED)], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
  let buf = '';
  const lines: string[] = [];
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    const parts = buf.split('\n');
    buf = parts.pop() as string;
    lines.push(...parts);
  });
  while (lines.length < 1) await new Promise((r) => setTimeout(r, 20));
  child.stdin.write(`${JSON.stringify({ params })}\n`);
  while (lines.length < 2) await new Promise((r) => setTimeout(r, 20));
  child.stdin.end();
  return (JSON.parse(lines[1]) as { value: number }).value;
}

/** The synthetic objective (the same formula as optuna_study.py). */
function synthetic(p: ParamValues): number {
  const n = (k: string): number => p[k] as number;
  return -(
    (Math.log10(n('learningRate')) + 1.3) ** 2 +
    (Math.log2(n('maxLeaves')) - 5) ** 2 / 4 +
    (Math.log10(n('minDataInLeaf')) - 1.3) ** 2 +
    (0.05 * (Math.log10(n('lambdaL1')) + 4) ** 2) / 4 +
    (0.05 * (Math.log10(n('lambdaL2')) + 2) ** 2) / 4 +
    4 * (n('colsampleByTree') - 0.7) ** 2 +
    4 * (n('subsample') - 0.8) ** 2
  );
}

/** Kiln's sampler on the synthetic function, asked as a `--parallel 1` study asks; per-ask seconds too. */
function kilnSynthetic(sampler: 'tpe' | 'random', seed: number, trials: number): { values: number[]; askSeconds: number[]; askCpuSeconds: number[] } {
  const s = sampler === 'tpe' ? createTpeSampler() : randomSampler;
  const known = new Map<number, TrialRecord>();
  const values: number[] = [];
  const askSeconds: number[] = [];
  const askCpuSeconds: number[] = [];
  for (let n = 0; n < trials; n++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const params = s.sample(SPACE, samplerView(n, 1, known), 'maximize', new Rng(trialSeed(seed, n))) as ParamValues;
    askSeconds.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    askCpuSeconds.push((c.user + c.system) / 1e6);
    const value = synthetic(params);
    values.push(value);
    known.set(n, { number: n, params, state: 'complete', value, intermediate: new Map() });
  }
  return { values, askSeconds, askCpuSeconds };
}

const line = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
console.log(`tuning bench: ${SEEDS} seeds x ${TRIALS} trials on ${DATA} (fixed ${JSON.stringify(FIXED)}); load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

if (PARTS.includes('quality')) {
  const rows: Record<string, { b25: number[]; b50: number[]; wall: number[] }> = { 'Kiln TPE': { b25: [], b50: [], wall: [] }, 'Optuna TPE (on Kiln\'s objective)': { b25: [], b50: [], wall: [] }, 'Kiln random': { b25: [], b50: [], wall: [] } };
  for (let seed = 1; seed <= SEEDS; seed++) {
    const k = kilnTune(seed, 'tpe', 1);
    const o = optunaOnKiln(seed, 1);
    const r = kilnTune(seed, 'random', 1);
    if (seed === 1) {
      const check = await serverValue(seed, k.params[0]);
      console.log(`same objective: Kiln's trial 0 ${k.values[0]} vs objective server ${check} -> ${check === k.values[0] ? 'identical' : 'DIFFERENT'}`);
    }
    for (const [name, res] of [['Kiln TPE', k], ['Optuna TPE (on Kiln\'s objective)', o], ['Kiln random', r]] as const) {
      rows[name].b25.push(bestAfter(res.values, 25));
      rows[name].b50.push(bestAfter(res.values, TRIALS));
      rows[name].wall.push(res.wall);
    }
    console.log(`seed ${seed}: best@25/@${TRIALS} kiln tpe ${fmt(rows['Kiln TPE'].b25[seed - 1])}/${fmt(rows['Kiln TPE'].b50[seed - 1])}, optuna tpe ${fmt(rows["Optuna TPE (on Kiln's objective)"].b25[seed - 1])}/${fmt(rows["Optuna TPE (on Kiln's objective)"].b50[seed - 1])}, kiln random ${fmt(rows['Kiln random'].b25[seed - 1])}/${fmt(rows['Kiln random'].b50[seed - 1])}`);
  }
  console.log(`\n${line(['sampler', 'median best valid AUC @25', `@${TRIALS}`, 'per-seed @50', 'median wall s (sequential)'])}\n${line(['---', '---', '---', '---', '---'])}`);
  for (const [name, r] of Object.entries(rows)) console.log(line([name, fmt(median(r.b25)), fmt(median(r.b50)), r.b50.map((v) => fmt(v)).join(' '), fmt(median(r.wall), 1)]));
}

if (PARTS.includes('synth')) {
  const sides: Record<string, { b25: number[]; b50: number[] }> = { 'Kiln TPE': { b25: [], b50: [] }, 'Optuna TPE': { b25: [], b50: [] }, 'Kiln random': { b25: [], b50: [] }, 'Optuna random': { b25: [], b50: [] } };
  for (let seed = 1; seed <= SYNTH_SEEDS; seed++) {
    const runs: [string, number[]][] = [
      ['Kiln TPE', kilnSynthetic('tpe', seed, TRIALS).values],
      ['Optuna TPE', (optuna({ mode: 'synth', sampler: 'tpe', seed, trials: TRIALS }) as { values: number[] }).values],
      ['Kiln random', kilnSynthetic('random', seed, TRIALS).values],
      ['Optuna random', (optuna({ mode: 'synth', sampler: 'random', seed, trials: TRIALS }) as { values: number[] }).values],
    ];
    for (const [name, values] of runs) {
      sides[name].b25.push(bestAfter(values, 25));
      sides[name].b50.push(bestAfter(values, TRIALS));
    }
  }
  console.log(`\nsynthetic function of the same space, ${SYNTH_SEEDS} seeds (maximize; optimum 0):\n${line(['sampler', 'median best @25', `median best @${TRIALS}`])}\n${line(['---', '---', '---'])}`);
  for (const [name, r] of Object.entries(sides)) console.log(line([name, fmt(median(r.b25)), fmt(median(r.b50))]));
}

if (PARTS.includes('overhead')) {
  // CPU time per ask as well as wall time: on a loaded machine the wall time mostly measures the queue.
  const N = 500;
  const k = kilnSynthetic('tpe', 1, N);
  const o = optuna({ mode: 'overhead', sampler: 'tpe', seed: 1, trials: N }) as { askSeconds: number[]; askCpuSeconds: number[] };
  const mean = (xs: number[]): number => (xs.reduce((a, b) => a + b, 0) / xs.length) * 1000;
  console.log(`\nsampler overhead per ask (TPE, 7 parameters, ${N} trials; load ${loadavg()[0].toFixed(1)}):\n${line(['sampler', 'wall ms, all asks', 'wall ms, asks 451-500', 'CPU ms, all asks', 'CPU ms, asks 451-500'])}\n${line(['---', '---', '---', '---', '---'])}`);
  console.log(line(['Kiln TPE', fmt(mean(k.askSeconds), 2), fmt(mean(k.askSeconds.slice(450)), 2), fmt(mean(k.askCpuSeconds), 2), fmt(mean(k.askCpuSeconds.slice(450)), 2)]));
  console.log(line(['Optuna 5 TPE (ask + suggest)', fmt(mean(o.askSeconds), 2), fmt(mean(o.askSeconds.slice(450)), 2), fmt(mean(o.askCpuSeconds), 2), fmt(mean(o.askCpuSeconds.slice(450)), 2)]));
}

if (PARTS.includes('wall')) {
  const k = kilnTune(1, 'tpe', 2);
  const o = optunaOnKiln(1, 2);
  console.log(`\n${TRIALS} trials, 2 at a time (load ${loadavg()[0].toFixed(1)}):\n${line(['', 'wall s', 'best valid AUC'])}\n${line(['---', '---', '---'])}`);
  console.log(line(['`kiln tune --parallel 2` (whole CLI process, tracking included)', fmt(k.wall, 1), fmt(bestAfter(k.values, TRIALS))]));
  console.log(line(['Optuna n_jobs=2 on Kiln\'s objective (2 objective servers)', fmt(o.wall, 1), fmt(bestAfter(o.values, TRIALS))]));
  console.log(`ratio Kiln / Optuna: ${(k.wall / o.wall).toFixed(2)}`);
}
