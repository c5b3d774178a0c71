/**
 * Benchmark (not a test) for issue #15 point 4, "capture can store attributions": the capture flush cost per
 * 1,000 rows with `attributions` on against off (the anchor, same invocation), and the cost of `offer` (what
 * the request path pays) on against off. A 100-tree GBDT on 10 numeric + 2 categorical synthetic inputs;
 * records of 10 instances decoded by the model's input plan exactly as the inference service builds them;
 * each round offers ROWS rows to a real capture buffer (SQLite + filesystem artifacts) and times `close()`
 * (the flush: segment build, Parquet write, metadata commit and, when on, TreeSHAP). Rounds alternate off/on;
 * the median of each is reported, with the longest event-loop stall during the flush (what a request served
 * by the same process could wait): TreeSHAP runs on the capture attribution worker thread, so with
 * attributions on the stall should match off's. As the anchor for that, the same rows are also explained the
 * way flushes did before the worker (64-row chunks on the event loop, a yield between), timed with its stall.
 *
 *   npx tsx bench/explain/capture-attributions-bench.ts [--rows 10000] [--rounds 3]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Rng } from '../../src/core/rng.js';
import { openKiln } from '../../src/kiln.js';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Frame } from '../../src/core/frame.js';
import { rowExplainer } from '../../src/ml/explain/explain-rows.js';
import { captureAttributions, closeAttributionWorker } from '../../src/serving/capture/capture-attributions.js';
import { LoadedModel } from '../../src/serving/loaded-model.js';
import type { PredictionRecord } from '../../src/serving/prediction-record.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROWS = arg('--rows', 10_000);
const ROUNDS = arg('--rounds', 3);
const PER_RECORD = 10;
const home = mkdtempSync(join(tmpdir(), 'kiln-bench-capture-shap-'));

const rng = new Rng(3);
const cols = [...Array.from({ length: 10 }, (_, i) => `x${i}`), 'c0', 'c1'];
const lines = [`${cols.join(',')},label`];
const instances: Record<string, unknown>[] = [];
for (let i = 0; i < 20_000; i++) {
  const x = Array.from({ length: 10 }, () => rng.next() * 2 - 1);
  const c0 = ['a', 'b', 'c'][Math.floor(rng.next() * 3)];
  const c1 = ['u', 'v'][Math.floor(rng.next() * 2)];
  const y = x[0] + 0.5 * x[1] * x[2] + (c0 === 'a' ? 0.4 : 0) + 0.3 * (rng.next() - 0.5) > 0 ? 'yes' : 'no';
  lines.push(`${x.map((v) => v.toFixed(5)).join(',')},${c0},${c1},${y}`);
  instances.push({ ...Object.fromEntries(x.map((v, j) => [`x${j}`, v])), c0, c1 });
}
writeFileSync(join(home, 'train.csv'), `${lines.join('\n')}\n`);

const kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
const trained = await kiln.training.train({ data: { file: join(home, 'train.csv') }, target: 'label', params: { numTrees: 100 }, seed: 1 });
const resolved = await kiln.servingModels.resolve(`trained:${trained.model.id}`, 'default');
const model = LoadedModel.fromBundle(resolved.key, await resolved.load());

let seq = 0;
/** Records as the inference service builds them (decoded frame, model output, lazily read inputs). */
function records(): PredictionRecord[] {
  const out: PredictionRecord[] = [];
  for (let start = 0; start < ROWS; start += PER_RECORD) {
    const batch = instances.slice(start % 10_000, (start % 10_000) + PER_RECORD);
    const decoded = model.plan('missing').decode({ instances: batch });
    const scored = model.scoreRaw(decoded.frame);
    const ids = batch.map(() => `p-${++seq}`);
    out.push({
      project: 'default',
      endpoint: 'bench',
      variant: 'main',
      modelVersion: model.key,
      predictionIds: ids,
      inputs: Object.fromEntries(cols.map((c) => [c, batch.map((r) => r[c])])),
      predictions: Array.from(scored.prediction as ArrayLike<string | number>),
      latencyMs: 1,
      receivedAt: Date.now(),
      scored: () => ({ frame: decoded.frame, scorer: model.scorer }),
    });
  }
  return out;
}

async function round(attributions: boolean): Promise<{ flushMs: number; offerUs: number; stallMs: number }> {
  const recs = records();
  const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 1, attributions }, flushIntervalMs: 0, flushRows: ROWS + 1, capacityRows: ROWS + 1 });
  const t0 = performance.now();
  for (const r of recs) buffer.offer(r);
  const offerUs = ((performance.now() - t0) * 1000) / recs.length;
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  const t1 = performance.now();
  await buffer.close();
  const flushMs = performance.now() - t1;
  stalls.disable();
  const stallMs = stalls.max / 1e6;
  if (buffer.counters().writtenRows !== ROWS) throw new Error(`wrote ${buffer.counters().writtenRows} of ${ROWS} rows`);
  if (attributions && buffer.counters().attributedRows !== ROWS) throw new Error('rows without attributions');
  return { flushMs, offerUs, stallMs };
}

/** The pre-worker flush's TreeSHAP: 64-row chunks on the event loop with a yield between; its longest stall. */
async function onLoopStall(): Promise<number> {
  const frame = Frame.concat(records().map((r) => (r.scored?.() as { frame: Frame }).frame));
  const explain = rowExplainer(model.scorer);
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  for (let start = 0; start < frame.rowCount; start += 64) {
    if (start > 0) await yieldToLoop();
    explain(frame.slice(start, Math.min(frame.rowCount, start + 64)));
  }
  stalls.disable();
  return stalls.max / 1e6;
}

/** The flush's TreeSHAP step alone (`captureAttributions`, on the worker): its time and longest stall. */
async function attributionStepStall(): Promise<{ ms: number; stallMs: number }> {
  const items = records().map((record) => ({ record, rows: null }));
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  const t0 = performance.now();
  const got = await captureAttributions(items);
  const ms = performance.now() - t0;
  stalls.disable();
  if (got.rows !== ROWS) throw new Error(`attributed ${got.rows} of ${ROWS} rows`);
  return { ms, stallMs: stalls.max / 1e6 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  await round(false); // warm-up (DuckDB, JIT)
  const off: { flushMs: number; offerUs: number; stallMs: number }[] = [];
  const on: { flushMs: number; offerUs: number; stallMs: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    off.push(await round(false));
    on.push(await round(true));
  }
  const loop: number[] = [];
  const step: { ms: number; stallMs: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    loop.push(await onLoopStall());
    step.push(await attributionStepStall());
  }
  await closeAttributionWorker();
  const perK = (xs: { flushMs: number }[]): number => (median(xs.map((x) => x.flushMs)) * 1000) / ROWS;
  const offMs = perK(off);
  const onMs = perK(on);
  console.log(`model: GBDT, 100 trees, 12 inputs; ${ROWS} rows per flush in records of ${PER_RECORD}; median of ${ROUNDS} rounds`);
  console.log(`flush per 1,000 rows: attributions off ${offMs.toFixed(1)} ms (anchor), on ${onMs.toFixed(1)} ms = ${(onMs / offMs).toFixed(2)}x; TreeSHAP share ${(onMs - offMs).toFixed(1)} ms`);
  console.log(`offer (request path) per record of ${PER_RECORD}: off ${median(off.map((x) => x.offerUs)).toFixed(2)} us, on ${median(on.map((x) => x.offerUs)).toFixed(2)} us`);
  console.log(`longest event-loop stall during the flush: off ${median(off.map((x) => x.stallMs)).toFixed(1)} ms, on (TreeSHAP on the worker) ${median(on.map((x) => x.stallMs)).toFixed(1)} ms`);
  console.log(`longest event-loop stall of the same TreeSHAP on the event loop in 64-row chunks (before the worker): ${median(loop).toFixed(1)} ms`);
  console.log(`TreeSHAP step alone (captureAttributions on the worker): ${median(step.map((x) => x.ms)).toFixed(0)} ms, longest event-loop stall ${median(step.map((x) => x.stallMs)).toFixed(1)} ms`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await kiln.close();
  rmSync(home, { recursive: true, force: true });
}
