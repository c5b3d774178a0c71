/**
 * Benchmark (not a test): one model scored by Kiln's runtime and, after `exportOnnx`, by ONNX Runtime
 * (onnxruntime-node, CPU), the anchor. The model is a GBDT trained on test/fixtures/telco-churn.csv
 * (native categorical splits, 100 trees); batch = all rows repeated to `rows`, single = one record per call.
 * Run: `npx tsx bench/interop/onnx-scoring-bench.ts [rows]`. Prints ratios (ONNX Runtime time / Kiln time).
 */
import { performance } from 'node:perf_hooks';
import type { Frame } from '../../src/core/frame.js';
import { datasetFrame } from '../../src/ml/interop/interop-fixtures.test-support.js';
import { exportOnnx } from '../../src/ml/interop/onnx-export.js';
import { loadOnnxModel } from '../../src/ml/interop/onnx-model.js';
import { trainModel } from '../../src/ml/train/train-model.js';
import { createScorer } from '../../src/runtime/scorer.js';

const rows = Number(process.argv[2] ?? 100_000);
const telco = datasetFrame('telco-churn.csv', 7043);
const { bundle } = await trainModel(telco, { target: 'Churn', exclude: ['customerID'], kilnVersion: 'bench', seed: 1, params: { numTrees: 100, numThreads: 1 }, validFraction: 0 });
const reps = Math.ceil(rows / telco.rowCount);
const idx = Int32Array.from({ length: rows }, (_, i) => i % telco.rowCount);
const big: Frame = telco.take(idx);
const scorer = createScorer(bundle);
const t0 = performance.now();
const bytes = exportOnnx(bundle);
const exportMs = performance.now() - t0;
const onnx = await loadOnnxModel(bytes);

async function time(fn: () => unknown | Promise<unknown>, n: number): Promise<number> {
  await fn();
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - start) / n;
}
const kilnBatch = await time(() => scorer.predict(big), 3);
const ortBatch = await time(() => onnx.predict(big), 3);
const record = telco.row(0);
const one = telco.take(Int32Array.from([0]));
const kilnOne = await time(() => scorer.predictRecords([record]), 2000);
const ortOne = await time(() => onnx.predict(one), 2000);
await onnx.close();
console.log(JSON.stringify({ rows, reps, onnxBytes: bytes.length, exportMs: +exportMs.toFixed(1), batchMs: { kiln: +kilnBatch.toFixed(1), onnxRuntime: +ortBatch.toFixed(1), ratio: +(ortBatch / kilnBatch).toFixed(2) }, singleRowUs: { kiln: +(kilnOne * 1000).toFixed(1), onnxRuntime: +(ortOne * 1000).toFixed(1), ratio: +(ortOne / kilnOne).toFixed(2) } }));
