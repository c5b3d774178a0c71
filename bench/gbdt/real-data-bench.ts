/**
 * GBDT training time on real data (not a test): the fixtures of the accuracy test (telco churn 7k x 19 with
 * string categoricals, adult 33k x 14, California housing 20k x 9), split and shaped as there (row % 5 == 0
 * held out; 31 leaves, 255 bins, lr 0.1, the fixture's rounds), Kiln with native categoricals against
 * XGBoost 1.7 and LightGBM 4 on one-hot matrices, same thread count, medians of several runs in one
 * invocation. Small data must not pay large fixed costs (issue #14): Kiln's time includes binning and its
 * worker threads' start.
 *
 *   npx tsx bench/gbdt/real-data-bench.ts [--threads 2] [--runs 3] [--anchor-python VENV/bin/python]
 *
 * XGBoost runs under /usr/bin/python3 (Debian's python3-xgboost), LightGBM under the anchor venv's python
 * (default bench/out/anchor-venv/bin/python); a missing one is reported as skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainGbdt } from '../../src/ml/gbdt/fit-gbdt.js';
import { fixtureMatrix, readFixtureCsv } from '../../test/fixtures/fixture-matrix.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const threads = Number(arg('threads', '2'));
const runs = Number(arg('runs', '3'));
const venvPython = arg('anchor-python', join(HERE, '..', 'out', 'anchor-venv', 'bin', 'python'));
const rounds = (JSON.parse(readFileSync(join(HERE, '..', '..', 'test', 'fixtures', 'gbdt-reference.json'), 'utf8')) as { rounds: Record<string, number> }).rounds;

const DATASETS = [
  { key: 'telco_churn', file: 'telco-churn.csv', target: 'Churn', drop: ['customerID'], positive: 'Yes' },
  { key: 'adult', file: 'adult.csv', target: 'Y', drop: [], positive: '>50K' },
  { key: 'california_housing', file: 'california-housing.csv', target: 'median_house_value', drop: [], positive: undefined },
] as const;

function anchor(python: string, lib: string): Record<string, number> | string {
  if (!existsSync(python)) return `${lib} skipped: no ${python}`;
  try {
    const out = execFileSync(python, [join(HERE, 'real_data_anchor.py'), lib, String(threads), String(runs)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>;
  } catch (e) {
    return `${lib} failed: ${(e as Error).message.split('\n')[0]}`;
  }
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${threads} threads, median of ${runs} runs`);
const xgb = anchor('/usr/bin/python3', 'xgboost');
const lgb = anchor(venvPython, 'lightgbm');
for (const d of DATASETS) {
  const t = readFixtureCsv(d.file);
  const { x, y: raw } = fixtureMatrix(t, d.target, [...d.drop], (i) => i % 5 !== 0);
  const y = Float64Array.from(raw, (v) => (d.positive === undefined ? Number(v) : v === d.positive ? 1 : 0));
  const objective = d.positive === undefined ? 'regression' : 'binary';
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await trainGbdt(x, y, { params: { objective, numTrees: rounds[d.key], learningRate: 0.1, maxLeaves: 31, maxBins: 255, numThreads: threads, evalTrain: false }, seed: 0 });
    times.push((performance.now() - t0) / 1000);
  }
  const k = median(times);
  const anchors: Array<[string, number | undefined]> = [
    ['XGBoost', typeof xgb === 'string' ? undefined : xgb[d.key]],
    ['LightGBM', typeof lgb === 'string' ? undefined : lgb[d.key]],
  ];
  const known = anchors.filter((a): a is [string, number] => a[1] !== undefined);
  const fastest = known.length ? known.reduce((a, b) => (b[1] < a[1] ? b : a)) : undefined;
  console.log(`${d.key} (${x.rows} train rows x ${x.cols}, ${rounds[d.key]} trees): Kiln ${k.toFixed(3)} s; ${anchors.map(([n, s]) => `${n} ${s === undefined ? 'skipped' : s.toFixed(3) + ' s'}`).join(', ')}${fastest ? `; Kiln / fastest (${fastest[0]}) ${(k / fastest[1]).toFixed(2)}x` : ''}`);
}
for (const a of [xgb, lgb]) if (typeof a === 'string') console.log(a);
console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
