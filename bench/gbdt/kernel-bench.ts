/**
 * CPU-time A/B of the GBDT kernels on the bench's cached data (not a test): the specialised kernels
 * against their generic references, on the same inputs, in one process. Process CPU time is steadier
 * than wall time on a shared, loaded machine; each line also checks that both variants agree.
 *
 *   npx tsx bench/gbdt/kernel-bench.ts [rows=250000] [reps=20]
 *
 * Needs bench/out/gbdt-data-<rows>/ from a previous `npx tsx bench/gbdt/run.ts --rows <rows>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/core/rng.js';
import { binMatrix, fitBinLayout } from '../../src/ml/gbdt/bin-mapper.js';
import { trainGbdt } from '../../src/ml/gbdt/fit-gbdt.js';
import { buildHistogramGeneric, buildHistogramInto, orderedStride } from '../../src/ml/gbdt/histogram-kernel.js';
import type { HistogramInputs } from '../../src/ml/gbdt/histogram-kernel.js';
import { interleavedTrees, scoreRowsInterleaved } from '../../src/ml/gbdt/interleaved-tree-kernel.js';
import { LeafOrderedRows } from '../../src/ml/gbdt/leaf-ordered-rows.js';
import { countChunkLefts, createPartitionBuffers, scatterChunk, setPartitionSplit } from '../../src/ml/gbdt/partition-kernel.js';
import { SplitInfo } from '../../src/ml/gbdt/split-finder.js';
import { compactTrees, SCORE_BLOCK, scoreRows } from '../../src/runtime/gbdt/compact-trees.js';
import { decodeGbdtModelState } from '../../src/runtime/gbdt/gbdt-model-state.js';

const rowsArg = process.argv[2] ?? '250000';
const reps = Number(process.argv[3] ?? 20);
const dir = join(fileURLToPath(new URL('../out/', import.meta.url)), `gbdt-data-${rowsArg}`);
const F = (JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { features: number }).features;

/** Column-major doubles of a row-major float32 file. */
function columns(file: string): { data: Float64Array; n: number } {
  const b = readFileSync(join(dir, file));
  const flat = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const n = flat.length / F;
  const data = new Float64Array(n * F);
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) data[f * n + i] = flat[i * F + f];
  return { data, n };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Mean CPU ms of `fn` over `reps` runs (after 2 warm-up runs). */
function time(fn: () => void): number {
  fn();
  fn();
  const c = cpuMs();
  for (let r = 0; r < reps; r++) fn();
  return (cpuMs() - c) / reps;
}

const { data, n } = columns('x_train.f32');
const x = { rows: n, cols: F, data, names: Array.from({ length: F }, (_, f) => `f${f}`), categoryCounts: new Int32Array(F) };
let c = cpuMs();
const layout = fitBinLayout(x, 255, 200_000, new Rng(1));
const tFit = cpuMs() - c;
c = cpuMs();
const binned = binMatrix(x, layout);
console.log(`binning ${n} x ${F}: fitBinLayout ${tFit.toFixed(0)} ms, binMatrix ${(cpuMs() - c).toFixed(0)} ms CPU`);

const offsets2 = Int32Array.from(layout.offsets, (o) => 2 * o);
const histSize = 2 * layout.totalSlots;
const S = orderedStride(F);
const rng = new Rng(2);
const inp: HistogramInputs = { bins: binned.bins, features: F, offsets2, histSize, gh: Float64Array.from({ length: 2 * n }, () => rng.next() - 0.5), rowIndex: Int32Array.from({ length: n }, (_, i) => i), stride: S, ordBins: new Uint8Array(2 * n * S), ordGh: new Float64Array(4 * n), hist: new Float64Array(2 * histSize), packed: false };
new LeafOrderedRows(inp, n, layout.numBins).gather(n, new Float64Array(2));
const hA = inp.hist.subarray(0, histSize);
const hB = inp.hist.subarray(histSize);
const generic = time(() => buildHistogramGeneric(inp, 0, n, inp.hist, 0, 0, F));
const compiled = time(() => buildHistogramInto(inp, 0, n, inp.hist, histSize, 0, F));
const same = hA.every((v, i) => Object.is(v, hB[i]));
const ns = (ms: number): string => ((ms * 1e6) / (n * F)).toFixed(2);
console.log(`root histogram: generic ${generic.toFixed(2)} ms (${ns(generic)} ns/row-feature), compiled ${compiled.toFixed(2)} ms (${ns(compiled)} ns/row-feature), identical ${same}`);

const pb = createPartitionBuffers(n, layout.numBins);
const s = new SplitInfo();
s.feature = 3;
s.thresholdBin = 120;
setPartitionSplit(pb, s, 0);
countChunkLefts(inp, pb, 0, n, 1, 0);
const scatterGeneric = time(() => scatterChunk(inp, pb, 0, n, 1, 0, true, false));
const idxGeneric = pb.scratchIdx.slice();
const scatterCompiled = time(() => scatterChunk(inp, pb, 0, n, 1, 0, true, true));
const sameIdx = idxGeneric.every((v, i) => v === pb.scratchIdx[i]);
const count = time(() => countChunkLefts(inp, pb, 0, n, 1, 0));
console.log(`root partition: count ${count.toFixed(2)} ms, scatter generic ${scatterGeneric.toFixed(2)} ms, compiled ${scatterCompiled.toFixed(2)} ms, identical ${sameIdx}`);

const y = (() => {
  const b = readFileSync(join(dir, 'y_train.f32'));
  return Float64Array.from(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
})();
const { result } = await trainGbdt(x, y, { params: { objective: 'binary', numTrees: 100, numThreads: 2, evalTrain: false }, seed: 0 });
const te = columns('x_test.f32');
const trees = compactTrees(decodeGbdtModelState(result.state));
const fast = interleavedTrees(trees);
if (fast) {
  const block = new Float64Array(SCORE_BLOCK * F);
  const a = new Float64Array(te.n);
  const b = new Float64Array(te.n);
  const runtime = time(() => scoreRows(trees, te.data, te.n, 0, te.n, a, block));
  const inter = time(() => scoreRowsInterleaved(fast, te.data, te.n, 0, te.n, b, block));
  const sameScores = a.every((v, i) => Object.is(v, b[i]));
  console.log(`scoring ${te.n} rows x 100 trees, 1 thread: runtime kernel ${runtime.toFixed(1)} ms, interleaved ${inter.toFixed(1)} ms (${(runtime / inter).toFixed(2)}x), identical ${sameScores}`);
}
