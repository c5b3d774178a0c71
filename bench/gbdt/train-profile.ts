/**
 * Quick A/B timing of GBDT training (not a test): trains on the bench's cached data and prints wall
 * time, process CPU time (steadier than wall time on a shared, loaded machine), the per-phase profile
 * and a hash of the model bytes (equal hashes = identical models, e.g. across layouts or threads).
 *
 *   npx tsx bench/gbdt/train-profile.ts [rows=200000] [trees=30] [threads=1] [quantized=0]
 *
 * Needs bench/out/gbdt-data-<rows>/ from a previous `npx tsx bench/gbdt/run.ts --rows <rows>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainGbdt } from '../../src/ml/gbdt/fit-gbdt.js';
import { GbdtProfile } from '../../src/ml/gbdt/gbdt-profile.js';

const rows = process.argv[2] ?? '200000';
const trees = Number(process.argv[3] ?? 30);
const threads = Number(process.argv[4] ?? 1);
const quantizedGradients = process.argv[5] === '1';
const dir = join(fileURLToPath(new URL('../out/', import.meta.url)), `gbdt-data-${rows}`);

function readF32(file: string): Float32Array {
  const b = readFileSync(join(dir, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

const F = (JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { features: number }).features;
const flat = readF32('x_train.f32');
const n = flat.length / F;
const data = new Float64Array(n * F);
for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) data[f * n + i] = flat[i * F + f];
const y = Float64Array.from(readF32('y_train.f32'));
const profile = new GbdtProfile();
const t0 = performance.now();
const c0 = process.cpuUsage();
const x = { rows: n, cols: F, data, names: Array.from({ length: F }, (_, f) => `f${f}`), categoryCounts: new Int32Array(F) };
const { result } = await trainGbdt(x, y, { params: { objective: 'binary', numTrees: trees, numThreads: threads, evalTrain: false, quantizedGradients }, seed: 0 }, profile);
const cpu = process.cpuUsage(c0);
const ms = Object.fromEntries(Object.entries(profile.ms).map(([k, v]) => [k, Math.round(v)]));
console.log(`${n} x ${F}, ${trees} trees, ${threads} thread(s)${quantizedGradients ? ', quantized' : ''}: wall ${(performance.now() - t0).toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, phases ${JSON.stringify(ms)}, model hash ${hash(JSON.stringify(result.state))}`);
