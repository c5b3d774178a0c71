/**
 * Benchmark: profile a seeded 1M x 28 numeric Frame in memory (exact quantiles, correlations and
 * duplicate detection on) and print seconds. Anchor: one native `Float64Array.prototype.sort` of
 * every column, the cost an exact-quantile profile would pay by sorting.
 * Wall time is printed with the process CPU time beside it: on a shared box the CPU time is the
 * steadier number (profiling is single-threaded, so uncontended wall time ≈ CPU time).
 * Run: npx tsx bench/data/profile.ts [rows] [cols]
 */
import { Frame } from '../../src/core/frame.js';
import type { Column } from '../../src/core/frame.js';
import { Rng } from '../../src/core/rng.js';
import { profileFrame } from '../../src/data/profile/profile-frames.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const cols = Number(process.argv[3] ?? 28);
const rng = new Rng(42);
const columns: Column[] = [];
for (let c = 0; c < cols; c++) {
  const v = new Float64Array(rows);
  // A mix of shapes: normal, lognormal, small integers, and 1% missing in every fourth column.
  for (let i = 0; i < rows; i++) {
    const z = rng.normal();
    v[i] = c % 3 === 0 ? z * 10 + c : c % 3 === 1 ? Math.exp(z) : Math.floor(rng.next() * 50);
    if (c % 4 === 3 && rng.next() < 0.01) v[i] = NaN;
  }
  columns.push({ name: `f${c}`, type: 'numeric', values: v });
}
const frame = new Frame(columns);

async function main(): Promise<void> {
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let t = performance.now();
  let c0 = cpu();
  for (const c of columns) (c as { values: Float64Array }).values.slice().sort();
  const anchor = (performance.now() - t) / 1000;
  const anchorCpu = cpu() - c0;

  const times: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < 3; r++) {
    t = performance.now();
    c0 = cpu();
    const p = await profileFrame(frame);
    times.push((performance.now() - t) / 1000);
    cpus.push(cpu() - c0);
    if (r === 0) console.log(`profiled ${p.rows} rows x ${p.columnCount} columns; duplicates ${p.duplicateRows}`);
  }
  const best = Math.min(...times);
  const bestCpu = Math.min(...cpus);
  console.log(`profileFrame wall: ${times.map((x) => x.toFixed(2)).join(' / ')} s (best ${best.toFixed(2)} s); cpu best ${bestCpu.toFixed(2)} s`);
  console.log(`anchor, native sort of every column: wall ${anchor.toFixed(2)} s, cpu ${anchorCpu.toFixed(2)} s; ratio (cpu) ${(bestCpu / anchorCpu).toFixed(2)}`);
}

await main();
