/**
 * The capture attribution worker: a flush's TreeSHAP runs off the event loop (the longest event-loop delay
 * during a flush of thousands of rows stays well under what one old 64-row chunk held the loop for, measured
 * in the same test) with values bit-identical to `kiln explain`'s, and a worker that dies or throws costs
 * the rows their attributions only: they are written, counted unattributed, the reason reported, and the
 * next flush gets a new worker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Frame } from '../../core/frame.js';
import { frameFromRecords } from '../../core/frame-builder.js';
import { Rng } from '../../core/rng.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import { rowExplainer } from '../../ml/explain/explain-rows.js';
import { trainModel } from '../../ml/train/train-model.js';
import { stringifyBundle } from '../../runtime/bundle.js';
import { LoadedModel } from '../loaded-model.js';
import type { PredictionRecord } from '../prediction-record.js';
import { testBundles } from '../serving-test-models.js';
import { breakAttributionWorker, captureAttributions, closeAttributionWorker } from './capture-attributions.js';
import type { SampledRecord } from './capture-frame.js';

function instances(n: number, seed: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({ x: rng.normal(), z: rng.next() < 0.1 ? null : rng.normal(), color: ['red', 'green', 'blue'][rng.int(3)], flag: rng.next() < 0.5 }));
}

let seq = 0;
function scoredRecord(model: LoadedModel, rows: Record<string, unknown>[]): PredictionRecord {
  const decoded = model.plan('missing').decode({ instances: rows });
  const out = model.scorer.predict(decoded.frame);
  return {
    project: 'default',
    endpoint: 'shap',
    variant: 'main',
    modelVersion: model.key,
    predictionIds: rows.map(() => `w-${String(++seq).padStart(6, '0')}`),
    inputs: Object.fromEntries(['x', 'z', 'color', 'flag'].map((c) => [c, rows.map((r) => r[c])])),
    predictions: Array.from(out.prediction as ArrayLike<string | number>),
    latencyMs: 1,
    receivedAt: Date.parse('2026-03-01T10:00:00.000Z') + seq,
    scored: () => ({ frame: decoded.frame, scorer: model.scorer }),
  };
}

afterAll(async () => {
  breakAttributionWorker(null);
  await closeAttributionWorker();
});

describe('capture attribution worker', () => {
  it('explains a flush of thousands of rows on the worker, with values bit-identical to kiln explain', async () => {
    const rng = new Rng(9);
    const train = frameFromRecords(
      Array.from({ length: 2000 }, () => {
        const [x, z] = [rng.normal(), rng.normal()];
        const color = ['red', 'green', 'blue'][rng.int(3)];
        return { x, z: rng.next() < 0.1 ? null : z, color, flag: rng.next() < 0.5, label: x * z + (color === 'red' ? 1 : 0) + 0.3 * rng.normal() > 0 ? 'pos' : 'neg' };
      }),
    );
    const trained = await trainModel(train, { kilnVersion: 'test', target: 'label', params: { numTrees: 100 }, validFraction: 0, seed: 1 });
    const model = LoadedModel.fromBundle('loop@1', stringifyBundle(trained.bundle));
    const items: SampledRecord[] = Array.from({ length: 80 }, (_, j) => ({ record: scoredRecord(model, instances(50, 100 + j)), rows: null }));
    const frames = items.map((it) => (it.record.scored?.() as { frame: Frame }).frame);
    const explain = rowExplainer(model.scorer);
    explain(frames[0]);
    await captureAttributions(items.slice(0, 1)); // start the worker and send the model
    // Where TreeSHAP runs is asserted structurally (a broken worker costs rows their attributions: no
    // fallback on the loop, below); how long the loop stalls is measured in bench/explain, not asserted
    // here (timed assertions fail on a loaded 2-core CI box). The delay is printed for whoever reads the log.
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const got = await captureAttributions(items);
    delay.disable();
    console.log(`4000 rows, 100 trees: longest event-loop delay during the flush ${(delay.max / 1e6).toFixed(1)} ms`);
    expect(got).toMatchObject({ rows: 4000, skippedRows: 0 });
    // Bit-identical to kiln explain's values, column by column (shap_<input> then shap_base).
    for (const j of [0, 41, 79]) {
      const want = explain(frames[j]);
      const have = got.byItem.get(items[j]);
      expect(have?.names).toEqual(['shap_x', 'shap_z', 'shap_color', 'shap_flag', 'shap_base']);
      const expected = new Float64Array(want.rows * 5);
      for (let i = 0; i < want.rows; i++) {
        for (let c = 0; c < 4; c++) expected[i * 5 + c] = want.values[i * 4 + c];
        expected[i * 5 + 4] = want.base[0];
      }
      expect(Array.from(have?.values ?? [])).toEqual(Array.from(expected));
    }
  }, 120_000);
});

describe('a broken attribution worker', () => {
  let kiln: Kiln;
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'kiln-capture-shap-worker-'));
    kiln = await openKiln({ home, databaseUrl: undefined });
  });
  afterEach(async () => {
    breakAttributionWorker(null);
    await kiln.close();
    await rm(home, { recursive: true, force: true });
  });

  for (const fault of ['exit', 'throw'] as const) {
    it(`(${fault}) costs rows their attributions only: written, counted, reason reported; the next flush gets a new worker`, async () => {
      const model = LoadedModel.fromBundle('shap@1', (await testBundles()).binary);
      const errors: string[] = [];
      breakAttributionWorker(fault);
      const broken = await kiln.capture.createBuffer({ defaults: { sampleRate: 1, attributions: true }, flushIntervalMs: 0, onError: (e) => errors.push(String(e)) });
      broken.offer(scoredRecord(model, instances(300, 1)));
      broken.offer(scoredRecord(model, instances(7, 2)));
      await broken.close();
      expect(broken.counters()).toMatchObject({ writtenRows: 307, attributedRows: 0, unattributedRows: 307, lostRows: 0, writeFailures: 0 });
      expect(errors.join('\n')).toMatch(fault === 'exit' ? /307 row\(s\) of shap@1: the attribution worker exited \(code 3\); written without attributions/ : /307 row\(s\) of shap@1: the attribution worker failed: capture attribution worker fault \(test\)/);
      const first = await kiln.capture.readCapture({ endpoint: 'shap' });
      expect(first.rowCount).toBe(307);
      expect(first.names.some((n) => n.startsWith('shap_'))).toBe(false);
      breakAttributionWorker(null);
      const healed = await kiln.capture.createBuffer({ defaults: { sampleRate: 1, attributions: true }, flushIntervalMs: 0 });
      healed.offer(scoredRecord(model, instances(5, 3)));
      await healed.close();
      expect(healed.counters()).toMatchObject({ writtenRows: 5, attributedRows: 5, unattributedRows: 0 });
    }, 60_000);
  }
});
