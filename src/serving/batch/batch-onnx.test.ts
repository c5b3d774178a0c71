/**
 * `runBatch` on ONNX models: a Kiln GBDT exported to ONNX batch-scores a file into the same labels as the
 * bundle (probabilities within float32 precision), with `kiln predict --model FILE.onnx`'s columns; worker
 * threads and --strict-categories are refused with usage errors naming the flag.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { cellValue } from '../../core/frame.js';
import { readFrame } from '../../data/io/read-frame.js';
import { exportOnnx } from '../../ml/interop/onnx-export.js';
import { trainModel } from '../../ml/train/train-model.js';
import { runBatch } from './batch-run.js';

let dir = '';
let bundleText = '';
let onnx: Uint8Array;
let input = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-batch-onnx-'));
  const lines = ['x,color,y'];
  for (let i = 0; i < 300; i++) lines.push(`${(i % 17) / 5 - 1.5},${['red', 'green', 'blue'][i % 3]},${(i % 17) / 5 - 1.5 + (i % 3) / 2 > 0 ? 'pos' : 'neg'}`);
  input = join(dir, 'in.csv');
  await writeFile(input, `${lines.join('\n')}\n`);
  const trained = await trainModel(await readFrame(input), { target: 'y', algo: 'gbdt', params: { numTrees: 10, numThreads: 1 }, kilnVersion: 'test', seed: 1 });
  bundleText = JSON.stringify(trained.bundle);
  onnx = exportOnnx(trained.bundle);
});

describe('runBatch with an ONNX model', () => {
  it('scores in chunks into the labels and probabilities the bundle gives', async () => {
    const viaOnnx = await runBatch({ bundleText: '', onnx, modelSource: 'model.onnx', input, output: join(dir, 'onnx.parquet'), chunkRows: 64 });
    const viaBundle = await runBatch({ bundleText, modelSource: 'model.json', input, output: join(dir, 'bundle.parquet'), chunkRows: 64 });
    expect(viaOnnx.rows).toBe(300);
    expect(viaOnnx.chunks).toBe(5);
    expect(viaOnnx.columns).toEqual(['x', 'color', 'y', 'label', 'probabilities_0', 'probabilities_1']);
    const a = await readFrame(viaOnnx.out);
    const b = await readFrame(viaBundle.out);
    for (let i = 0; i < 300; i += 37) {
      expect(String(cellValue(a.column('label'), i))).toBe(String(cellValue(b.column('prediction'), i)));
      expect(Number(cellValue(a.column('probabilities_1'), i))).toBeCloseTo(Number(cellValue(b.column('probability'), i)), 5);
    }
  });

  it('refuses an input column named like an output', async () => {
    const clash = join(dir, 'clash.csv');
    await writeFile(clash, 'x,color,label\n1,red,a\n');
    await expect(runBatch({ bundleText: '', onnx, modelSource: 'm.onnx', input: clash, output: join(dir, 'c.parquet') })).rejects.toThrow(/column named "label"/);
  });

  it('refuses worker threads and strict categories', async () => {
    await expect(runBatch({ bundleText: '', onnx, modelSource: 'm.onnx', input, output: join(dir, 'w.parquet'), workers: 2 })).rejects.toThrow(UsageError);
    await expect(runBatch({ bundleText: '', onnx, modelSource: 'm.onnx', input, output: join(dir, 's.parquet'), strictCategories: true })).rejects.toThrow(/strict-categories/);
  });
});
