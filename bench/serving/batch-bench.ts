/**
 * Benchmark: `kiln batch` (`runBatch`: chunked, resumable, chunk files + final assembly) against the
 * in-process scorer on the same file, in the same run. Anchor: read the whole file into one Frame
 * (`readFrame`), `scorer.predict` it, write the same columns to Parquet (`writeFrame`) — the fastest
 * path when the data fits in memory, with no resumability. Both write inputs + predictions.
 * Data: a seeded N-row CSV, 10 numeric + 2 categorical columns; model: 100-tree GBDT (31 leaves) trained
 * on 20k rows of the same distribution. Goal: batch rows/s >= 0.8x the anchor.
 * Run: npx tsx bench/serving/batch-bench.ts [rows=1000000] [chunk=65536]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Frame } from '../../src/core/frame.js';
import { Rng } from '../../src/core/rng.js';
import { readFrame } from '../../src/data/io/read-frame.js';
import { writeFrame } from '../../src/data/io/write-frame.js';
import { trainModel } from '../../src/ml/train/train-model.js';
import { createScorer } from '../../src/runtime/scorer.js';
import { predictionColumns } from '../../src/serving/batch-predict.js';
import { runBatch } from '../../src/serving/batch/batch-run.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const chunk = Number(process.argv[3] ?? 65_536);
const CITIES = ['oslo', 'rome', 'lima', 'kyiv', 'pune', 'nara', 'kobe', 'cork'];

async function writeCsv(path: string, n: number, seed: number): Promise<void> {
  const rng = new Rng(seed);
  const out = createWriteStream(path);
  out.write('f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,city,tier,target\n');
  let buf = '';
  for (let i = 0; i < n; i++) {
    const f: number[] = [];
    for (let k = 0; k < 10; k++) f.push(rng.normal());
    const city = CITIES[Math.floor(rng.next() * CITIES.length)];
    const tier = rng.next() < 0.3 ? 'gold' : 'basic';
    const y = f[0] + 0.5 * f[1] - f[2] * f[3] + (city === 'rome' ? 1 : 0) + (tier === 'gold' ? 0.5 : 0) + 0.3 * rng.normal() > 0.4 ? 'yes' : 'no';
    buf += `${f.map((v) => v.toFixed(5)).join(',')},${city},${tier},${y}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kiln-batch-bench-'));
  try {
    const input = join(dir, 'input.csv');
    await writeCsv(join(dir, 'train.csv'), 20_000, 1);
    await writeCsv(input, rows, 2);
    const trained = await trainModel(await readFrame(join(dir, 'train.csv')), { target: 'target', algo: 'gbdt', params: { numTrees: 100, maxLeaves: 31 }, kilnVersion: 'bench', seed: 1 });
    const bundleText = JSON.stringify(trained.bundle);
    await writeFile(join(dir, 'model.json'), bundleText);
    console.log(`${rows} rows x 13 columns, 100-tree GBDT, chunk ${chunk}, ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

    const anchor = async (): Promise<number> => {
      const t = performance.now();
      const frame = await readFrame(input, { memoryBudgetBytes: 8 * 1024 ** 3 });
      const scored = createScorer(bundleText).predict(frame);
      await writeFrame(new Frame([...frame.columns, ...predictionColumns(scored)], frame.rowCount), join(dir, 'anchor.parquet'));
      return (performance.now() - t) / 1000;
    };
    const batch = async (workers: number): Promise<number> => {
      const t = performance.now();
      const s = await runBatch({ bundleText, modelSource: 'model.json', input, output: join(dir, `batch-${workers}.parquet`), chunkRows: chunk, workers, restart: true });
      if (s.rows !== rows) throw new Error(`batch wrote ${s.rows} rows, expected ${rows}`);
      return (performance.now() - t) / 1000;
    };
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const results: Record<string, number[]> = { anchor: [], batch0: [], batch2: [] };
    for (let r = 0; r < 3; r++) {
      results.anchor.push(await anchor());
      results.batch0.push(await batch(0));
      results.batch2.push(await batch(2));
    }
    const a = median(results.anchor);
    for (const [name, times] of Object.entries(results)) {
      const m = median(times);
      console.log(`${name.padEnd(8)} median ${m.toFixed(2)} s  ${(rows / m / 1000).toFixed(0)}k rows/s  ratio to anchor ${(a / m).toFixed(2)}x  (runs ${times.map((x) => x.toFixed(2)).join(', ')})`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
