/**
 * Whole-process goals of issue #14 (not a test): `kiln --version` and `kiln --help` (goal < 150 ms; the
 * bare `node -e 0` start of this machine is printed next to them, since no CLI can beat it), and
 * `kiln train` on the 250k x 28 CSV against XGBoost's whole process on the same file (pandas read + split +
 * train + score; goal <= 1.3x), both with the same tree shape (100 trees, 31 leaves, 255 bins, lr 0.1,
 * 2 threads, no early stopping, 20% holdout). Medians of several runs; load average printed.
 *
 *   npx tsx bench/gbdt/cli-bench.ts [--runs 3] [--rows 250000]
 *
 * Needs /usr/bin/python3 with scikit-learn, pandas and xgboost (Debian's python3-xgboost) for the CSV and
 * the anchor; without them it times Kiln only and says so. Writes bench/out/gbdt-cli.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..');
const OUT = join(HERE, '..', 'out');
const PY = '/usr/bin/python3';
const KILN = join(REPO, 'bin', 'kiln.js');

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const runs = Number(arg('runs', '3'));
const rows = Number(arg('rows', '250000'));

/** Wall seconds of one process run (throws with its stderr when it fails). */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = REPO): { s: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { s, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function medianOf(n: number, f: () => number): number {
  return median(Array.from({ length: n }, f));
}

const result: Record<string, unknown> = { rows, runs, loadavgStart: loadavg()[0] };
console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

// 1. Start-up.
const nodeS = medianOf(10, () => timed(process.execPath, ['-e', '0']).s);
const versionS = medianOf(10, () => timed(process.execPath, [KILN, '--version']).s);
const helpS = medianOf(10, () => timed(process.execPath, [KILN, '--help']).s);
Object.assign(result, { nodeStartMs: nodeS * 1000, versionMs: versionS * 1000, helpMs: helpS * 1000 });
const verdict = (ms: number): string => (ms < 150 ? 'met' : 'NOT met');
console.log(`node -e 0: ${(nodeS * 1000).toFixed(0)} ms | kiln --version: ${(versionS * 1000).toFixed(0)} ms (${verdict(versionS * 1000)}) | kiln --help: ${(helpS * 1000).toFixed(0)} ms (${verdict(helpS * 1000)}); goal < 150 ms`);

// 2. kiln train vs XGBoost, whole process, same CSV.
mkdirSync(OUT, { recursive: true });
const csv = join(OUT, `higgs-like-${rows}.csv`);
const havePython = spawnSync(PY, ['-c', 'import sklearn, pandas, xgboost'], { encoding: 'utf8' }).status === 0;
if (!existsSync(csv)) {
  if (!havePython) {
    console.log(`no ${csv} and no ${PY} with scikit-learn/pandas/xgboost to make it: whole-process comparison skipped`);
    writeFileSync(join(OUT, 'gbdt-cli.json'), JSON.stringify(result, null, 2));
    process.exit(0);
  }
  execFileSync(PY, [join(HERE, 'make_csv.py'), csv, String(rows)], { stdio: 'inherit' });
}
const home = mkdtempSync(join(tmpdir(), 'kiln-cli-bench-'));
const params = JSON.stringify({ objective: 'binary', numTrees: 100, maxLeaves: 31, maxBins: 255, learningRate: 0.1, earlyStoppingRounds: 0, numThreads: 2 });
const kilnTimes: number[] = [];
let kilnAuc: unknown = null;
for (let i = 0; i < runs; i++) {
  const out = join(home, `model-${i}.kiln.json`);
  const r = timed(process.execPath, [KILN, 'train', '--data', csv, '--target', 'label', '--params', params, '--valid-frac', '0', '--test-frac', '0.2', '--seed', '0', '--out', out, '--json'], { ...process.env, KILN_HOME: home }, home);
  kilnTimes.push(r.s);
  kilnAuc = (JSON.parse(r.stdout) as { metrics?: Record<string, unknown> }).metrics ?? null;
}
const kilnS = median(kilnTimes);
result.kilnTrainWholeS = kilnS;
result.kilnMetrics = kilnAuc;
const kilnRocAuc = (kilnAuc as { roc_auc?: number } | null)?.roc_auc;
console.log(`kiln train whole process (${runs} runs, median): ${kilnS.toFixed(2)} s [${kilnTimes.map((t) => t.toFixed(2)).join(', ')}], holdout AUC ${kilnRocAuc?.toFixed(5) ?? '?'}`);
if (havePython) {
  const xgbTimes: number[] = [];
  let phases: unknown = null;
  for (let i = 0; i < runs; i++) {
    const r = timed(PY, [join(HERE, 'xgboost_cli_anchor.py'), csv, '2']);
    xgbTimes.push(r.s);
    phases = JSON.parse(r.stdout.trim().split('\n').pop() as string);
  }
  const xgbS = median(xgbTimes);
  Object.assign(result, { xgboostWholeS: xgbS, xgboostPhases: phases, ratio: kilnS / xgbS });
  console.log(`XGBoost whole process (pandas read + split + train + score, median): ${xgbS.toFixed(2)} s [${xgbTimes.map((t) => t.toFixed(2)).join(', ')}] phases ${JSON.stringify(phases)}`);
  console.log(`ratio kiln / XGBoost: ${(kilnS / xgbS).toFixed(2)}x (goal <= 1.3x: ${kilnS / xgbS <= 1.3 ? 'met' : 'NOT met'})`);
} else console.log(`no ${PY} with xgboost: the anchor was not run`);
result.loadavgEnd = loadavg()[0];
console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
rmSync(home, { recursive: true, force: true });
writeFileSync(join(OUT, 'gbdt-cli.json'), JSON.stringify(result, null, 2));
