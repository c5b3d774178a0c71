/**
 * Benchmark: validate a seeded 1M x 28 numeric Frame against a 20-expectation suite (ranges, missing,
 * sets, uniqueness with a 1M-entry hash set, a cross-field rule, mean/stdev/quantile, a KS drift test
 * against a 100k-row reference) and print seconds, as one Frame and as 64k-row chunks.
 * Anchor: one min/max pass over every column (the least any validator must do).
 * Wall time is printed with process CPU time beside it: on a shared box CPU time is the steadier number.
 * Run: npx tsx bench/data/validate.ts [rows] [cols]
 */
import { Frame } from '../../src/core/frame.js';
import type { Column } from '../../src/core/frame.js';
import { Rng } from '../../src/core/rng.js';
import { parseSuite } from '../../src/data/validation/suite.js';
import { validateFrames } from '../../src/data/validation/validate-frames.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const cols = Number(process.argv[3] ?? 28);
const rng = new Rng(42);
const columns: Column[] = [];
for (let c = 0; c < cols; c++) {
  const v = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const z = rng.normal();
    v[i] = c === 0 ? i : c % 3 === 0 ? z * 10 + c : c % 3 === 1 ? Math.exp(z) : Math.floor(rng.next() * 50);
    if (c % 4 === 3 && rng.next() < 0.01) v[i] = NaN;
  }
  columns.push({ name: `f${c}`, type: 'numeric', values: v });
}
const frame = new Frame(columns);
const reference = frame.slice(0, 100_000);

const suite = parseSuite({
  suiteVersion: 1,
  name: 'bench',
  expectations: [
    { type: 'table_row_count_between', min: 1, max: rows * 2 },
    { type: 'table_columns_match', columns: frame.names },
    { type: 'column_exists', column: 'f5' },
    { type: 'column_type', column: 'f6', columnType: 'numeric' },
    { type: 'column_values_unique', column: 'f0' },
    { type: 'column_values_between', column: 'f1', min: 0 },
    { type: 'column_values_between', column: 'f2', min: 0, max: 49 },
    { type: 'column_values_between', column: 'f3', min: -100, max: 100 },
    { type: 'column_values_between', column: 'f4', min: 0 },
    { type: 'column_values_between', column: 'f9', min: -100, max: 100 },
    { type: 'column_max_missing', column: 'f3', maxMissing: 0.02 },
    { type: 'column_max_missing', column: 'f7', maxMissing: 0.02 },
    { type: 'column_max_missing', column: 'f11', maxMissing: 0.02 },
    { type: 'column_values_in_set', column: 'f5', values: Array.from({ length: 50 }, (_, i) => i) },
    { type: 'column_mean_between', column: 'f6', min: 0, max: 100 },
    { type: 'column_mean_between', column: 'f12', min: 0, max: 100 },
    { type: 'column_stdev_between', column: 'f9', max: 100 },
    { type: 'column_quantile_between', column: 'f10', quantile: 0.99, max: 100 },
    { type: 'table_rule', rule: 'f1 + f4 > 0 or f3 is null' },
    { type: 'column_distribution', column: 'f9', test: 'ks' },
  ],
});

function anchor(): number {
  let acc = 0;
  for (const c of frame.columns) {
    const v = (c as { values: Float64Array }).values;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    acc += hi - lo;
  }
  return acc;
}

async function timed(label: string, fn: () => Promise<unknown> | unknown): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(`${label.padEnd(34)} wall ${wall.toFixed(3)} s   cpu ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s`);
  return wall;
}

async function main(): Promise<void> {
  console.log(`validate: ${rows} rows x ${cols} numeric columns, ${suite.expectations.length} expectations`);
  const a = await timed('anchor: min/max of every column', anchor);
  let failed = 0;
  const v = await timed('validateFrames (one Frame)', async () => {
    const res = await validateFrames([frame], suite, { reference });
    failed = res.results.filter((r) => !r.success).length;
  });
  const chunks: Frame[] = [];
  for (let s = 0; s < rows; s += 65_536) chunks.push(frame.slice(s, s + 65_536));
  await timed('validateFrames (64k-row chunks)', () => validateFrames(chunks, suite, { reference }));
  console.log(`failed expectations: ${failed} (expected 0); ratio validate/anchor: ${(v / a).toFixed(1)}x`);
}

void main();
