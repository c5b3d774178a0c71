/**
 * Benchmark (not a test): Kiln's drift report on ROWS reference x ROWS current rows (NUMERIC numeric +
 * CATEGORICAL categorical columns, the current side shifted in a third of them), against the same per-column
 * work in SciPy/NumPy (Evidently's defaults for large references: wasserstein_distance normed by the reference
 * std for numbers, Jensen-Shannon over category shares), run on the same bytes in the same invocation.
 *
 *   npx tsx bench/monitoring/drift-bench.ts --shape long    # 1M x 1M rows, 30 numeric + 10 categorical; goal < 2 s
 *   npx tsx bench/monitoring/drift-bench.ts --shape wide    # 100k x 100k rows, 800 numeric + 200 categorical; goal < 10 s
 *   npx tsx bench/monitoring/drift-bench.ts [ROWS=1000000] [NUMERIC=30] [CATEGORICAL=10]
 *   ... --threads 1|2    # the report's sorting threads (default: its own choice, 2 for these shapes on 2+ cores)
 *
 * Kiln's report runs twice: the first call is what a `kiln monitor drift` process pays (cold JIT), the second
 * a long-running server. The anchor needs /usr/bin/python3 with numpy and scipy (Debian python3-scipy); the
 * wide shape writes ~1.4 GB of column files to the temp directory for it and holds ~3-4 GB in memory.
 * Numbers measured on a loaded machine are not results: run it on an otherwise idle one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Frame } from '../../src/core/frame.js';
import type { Column } from '../../src/core/frame.js';
import { Rng } from '../../src/core/rng.js';
import { driftReport } from '../../src/monitoring/drift/drift-report.js';

const SHAPES: Record<string, { rows: number; numeric: number; categorical: number; goalS: number }> = {
  long: { rows: 1_000_000, numeric: 30, categorical: 10, goalS: 2 },
  wide: { rows: 100_000, numeric: 800, categorical: 200, goalS: 10 },
};
const shapeAt = process.argv.indexOf('--shape');
const shape = shapeAt >= 0 ? SHAPES[process.argv[shapeAt + 1] ?? ''] : undefined;
if (shapeAt >= 0 && !shape) throw new Error(`--shape takes one of ${Object.keys(SHAPES).join(', ')}`);
const threadsAt = process.argv.indexOf('--threads');
const THREADS = threadsAt >= 0 ? Number(process.argv[threadsAt + 1]) : undefined;
if (THREADS !== undefined && THREADS !== 1 && THREADS !== 2) throw new Error('--threads takes 1 or 2');
const positional = (shapeAt >= 0 ? [] : process.argv.slice(2)).filter((a, i, all) => a !== '--threads' && all[i - 1] !== '--threads');
const ROWS = shape?.rows ?? Number(positional[0] ?? 1_000_000);
const NUMERIC = shape?.numeric ?? Number(positional[1] ?? 30);
const CATEGORICAL = shape?.categorical ?? Number(positional[2] ?? 10);
const GOAL_S = shape?.goalS ?? null;
const CATS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

function side(seed: number, shift: boolean): { frame: Frame; raw: { numeric: Float64Array[]; codes: Int32Array[] } } {
  const rng = new Rng(seed);
  const cols: Column[] = [];
  const numeric: Float64Array[] = [];
  const codes: Int32Array[] = [];
  for (let j = 0; j < NUMERIC; j++) {
    const v = new Float64Array(ROWS);
    const mu = shift && j % 3 === 0 ? 0.3 : 0;
    for (let i = 0; i < ROWS; i++) v[i] = mu + rng.normal() * (1 + j / NUMERIC);
    numeric.push(v);
    cols.push({ name: `x${j}`, type: 'numeric', values: v });
  }
  for (let j = 0; j < CATEGORICAL; j++) {
    const c = new Int32Array(ROWS);
    for (let i = 0; i < ROWS; i++) {
      const u = rng.next();
      c[i] = shift && j % 3 === 0 ? Math.floor(u * u * CATS.length) : Math.floor(u * CATS.length);
    }
    codes.push(c);
    cols.push({ name: `c${j}`, type: 'categorical', codes: c, categories: CATS });
  }
  return { frame: new Frame(cols, ROWS), raw: { numeric, codes } };
}

const ANCHOR = `
import sys, time, numpy as np
from scipy.stats import wasserstein_distance
from scipy.spatial.distance import jensenshannon
d, rows, nn, nc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
load = lambda name, dt: np.fromfile(f"{d}/{name}", dtype=dt)
t = time.perf_counter()
drifted = 0
for j in range(nn):
    r, c = load(f"ref_x{j}", np.float64), load(f"cur_x{j}", np.float64)
    drifted += wasserstein_distance(r, c) / max(np.std(r), 0.001) >= 0.1
for j in range(nc):
    r, c = load(f"ref_c{j}", np.int32), load(f"cur_c{j}", np.int32)
    rp = np.bincount(r, minlength=8) / len(r); cp = np.bincount(c, minlength=8) / len(c)
    drifted += jensenshannon(np.where(rp == 0, 1e-4, rp), np.where(cp == 0, 1e-4, cp)) >= 0.1
print(time.perf_counter() - t, int(drifted))
`;

const ref = side(1, false);
const cur = side(2, true);
const t0 = performance.now();
const opts = THREADS === undefined ? {} : { threads: THREADS };
const report = await driftReport([ref.frame], [cur.frame], opts);
const kilnS = (performance.now() - t0) / 1000;
const t1 = performance.now();
await driftReport([ref.frame], [cur.frame], opts);
const warmS = (performance.now() - t1) / 1000;

const dir = mkdtempSync(join(tmpdir(), 'kiln-drift-bench-'));
try {
  for (const [name, s] of [['ref', ref], ['cur', cur]] as const) {
    s.raw.numeric.forEach((v, j) => writeFileSync(join(dir, `${name}_x${j}`), new Uint8Array(v.buffer)));
    s.raw.codes.forEach((v, j) => writeFileSync(join(dir, `${name}_c${j}`), new Uint8Array(v.buffer)));
  }
  const script = join(dir, 'anchor.py');
  writeFileSync(script, ANCHOR);
  const [scipyS, scipyDrifted] = execFileSync('/usr/bin/python3', [script, dir, String(ROWS), String(NUMERIC), String(CATEGORICAL)], { encoding: 'utf8' }).trim().split(' ').map(Number);
  console.log(`drift report, ${ROWS.toLocaleString('en')} x ${ROWS.toLocaleString('en')} rows, ${NUMERIC} numeric + ${CATEGORICAL} categorical columns, threads: ${THREADS ?? 'default'}`);
  console.log(`  kiln driftReport (default tests, one pass, charts):  ${kilnS.toFixed(2)} s first call, ${warmS.toFixed(2)} s second  (${report.driftedColumns} drifted)`);
  console.log(`  SciPy per-column wasserstein + jensenshannon (anchor): ${scipyS.toFixed(2)} s  (${scipyDrifted} drifted; file reads included)`);
  console.log(`  ratio kiln / scipy: ${(kilnS / scipyS).toFixed(2)}x (first call)`);
  if (GOAL_S !== null) console.log(`  goal < ${GOAL_S} s (first call): ${kilnS < GOAL_S ? 'met' : 'NOT met'}`);
  console.log(`  load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs (a loaded machine's numbers are not results)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
