/**
 * Capture attributions on a real embedded Kiln: computed in the flush (the record's model is not touched
 * when it is offered), one `shap_<input>` per signature input plus `shap_base` whose sum is the raw score
 * to 1e-9 for every sampled row (masked and dropped inputs keep their attribution), rows of a model
 * TreeSHAP cannot explain written without them (reason reported and counted), and segments written before
 * the setting read together with newer ones.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import type { Frame, NumericColumn } from '../../core/frame.js';
import { cellValue } from '../../core/frame.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import { monitorView } from '../../monitoring/monitors/monitor-view.js';
import type { Scorer } from '../../runtime/scorer.js';
import { LoadedModel } from '../loaded-model.js';
import type { PredictionRecord } from '../prediction-record.js';
import { testBundles } from '../serving-test-models.js';
import { parseCaptureSettings } from './capture-settings.js';

let kiln: Kiln;
let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-capture-shap-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
});
afterEach(async () => {
  await kiln.close();
  await rm(home, { recursive: true, force: true });
});

function instances(n: number, seed: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({ x: rng.normal(), z: rng.next() < 0.1 ? null : rng.normal(), color: ['red', 'green', 'blue', 'violet'][rng.int(4)], flag: rng.next() < 0.5 }));
}

let seq = 0;
/** A record as the inference service builds it, counting how often its model is asked for. */
function scoredRecord(model: LoadedModel, rows: Record<string, unknown>[], calls: { n: number }, scorer: Scorer = model.scorer): PredictionRecord {
  const decoded = model.plan('missing').decode({ instances: rows });
  const out = model.scorer.predict(decoded.frame);
  const ids = rows.map(() => `p-${String(++seq).padStart(6, '0')}`);
  const inputs = Object.fromEntries(['x', 'z', 'color', 'flag'].map((c) => [c, rows.map((r) => r[c])]));
  return {
    project: 'default',
    endpoint: 'shap',
    variant: 'main',
    modelVersion: model.key,
    predictionIds: ids,
    inputs,
    predictions: Array.from(out.prediction as ArrayLike<string | number>),
    latencyMs: 1,
    receivedAt: Date.parse('2026-03-01T10:00:00.000Z') + seq,
    scored: () => {
      calls.n++;
      return { frame: decoded.frame, scorer };
    },
  };
}

/** Raw score of each instance, keyed by its prediction id. */
function rawScores(model: LoadedModel, records: readonly PredictionRecord[], rows: readonly Record<string, unknown>[][]): Map<string, number> {
  const out = new Map<string, number>();
  records.forEach((r, j) => {
    const m = model.scorer.pipeline.transform(model.plan('missing').decode({ instances: rows[j] }).frame);
    const raw = model.scorer.predictor.predictRaw(m);
    r.predictionIds.forEach((id, i) => out.set(id, raw[i]));
  });
  return out;
}

function num(frame: Frame, name: string): Float64Array {
  return (frame.column(name) as NumericColumn).values;
}

describe('capture attributions', () => {
  it('are computed in the flush and sum with shap_base to the raw score of every sampled row', async () => {
    const model = LoadedModel.fromBundle('shap@1', (await testBundles()).binary);
    const calls = { n: 0 };
    const masking = { version: 1 as const, rules: [{ column: 'color', action: 'drop' as const }, { column: 'x', action: 'redact' as const }] };
    const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 0.5, masking, attributions: true }, flushIntervalMs: 0 });
    const rows = [instances(300, 1), instances(1, 2), instances(257, 3)];
    const records = rows.map((r) => scoredRecord(model, r, calls));
    for (const r of records) buffer.offer(r);
    // Offering (the request path) never touches the model: attributions wait for the flush.
    expect(calls.n).toBe(0);
    await buffer.close();
    expect(calls.n).toBeGreaterThan(0);
    const frame = await kiln.capture.readCapture({ endpoint: 'shap' });
    expect(frame.rowCount).toBeGreaterThan(200);
    expect(frame.rowCount).toBeLessThan(400);
    expect(buffer.counters()).toMatchObject({ attributedRows: frame.rowCount, unattributedRows: 0 });
    expect(frame.names.filter((n) => n.startsWith('shap_'))).toEqual(['shap_x', 'shap_z', 'shap_color', 'shap_flag', 'shap_base']);
    // A dropped input is absent, a redacted one is text: their attributions are numbers and stay.
    expect(frame.has('color')).toBe(false);
    expect(frame.column('x').type).not.toBe('numeric');
    const raw = rawScores(model, records, rows);
    const ids = frame.column('prediction_id');
    const shap = ['shap_x', 'shap_z', 'shap_color', 'shap_flag', 'shap_base'].map((n) => num(frame, n));
    let worst = 0;
    for (let i = 0; i < frame.rowCount; i++) {
      const sum = shap.reduce((s, c) => s + c[i], 0);
      worst = Math.max(worst, Math.abs(sum - (raw.get(String(cellValue(ids, i))) as number)));
    }
    expect(worst).toBeLessThan(1e-9);
    const segments = await kiln.metadata.captureSegments.list({ endpoint: 'shap' });
    expect(segments[0].columns.filter((c) => c.role === 'attribution').map((c) => c.name)).toEqual(['shap_x', 'shap_z', 'shap_color', 'shap_flag', 'shap_base']);
  });

  it('writes rows of a model TreeSHAP cannot explain without attributions, saying why; old segments read with new ones', async () => {
    const model = LoadedModel.fromBundle('shap@1', (await testBundles()).regression);
    const calls = { n: 0 };
    // Segment 1: capture attributions off.
    const off = await kiln.capture.createBuffer({ defaults: { sampleRate: 1 }, flushIntervalMs: 0 });
    off.offer(scoredRecord(model, instances(5, 4), calls));
    await off.close();
    expect(calls.n).toBe(0);
    const errors: string[] = [];
    const on = await kiln.capture.createBuffer({ defaults: { sampleRate: 1, attributions: true }, flushIntervalMs: 0, onError: (e) => errors.push(String(e)) });
    const linear = { ...model.scorer, bundle: { ...model.scorer.bundle, model: { kind: 'linear' } } } as Scorer;
    on.offer(scoredRecord(model, instances(4, 5), calls, linear));
    on.offer({ ...scoredRecord(model, instances(2, 6), calls), scored: undefined });
    on.offer(scoredRecord(model, instances(3, 7), calls));
    await on.close();
    expect(on.counters()).toMatchObject({ attributedRows: 3, unattributedRows: 6 });
    expect(errors.join('\n')).toMatch(/4 row\(s\) of shap@1: the model is a "linear" model; capture attributions use TreeSHAP/);
    const frame = await kiln.capture.readCapture({ endpoint: 'shap' });
    expect(frame.rowCount).toBe(14);
    const base = num(frame, 'shap_base');
    expect(Array.from(base).filter(Number.isFinite)).toHaveLength(3);
    // Monitors see the attributions apart from the inputs.
    const view = monitorView(frame, null);
    expect(view.features.names.some((n) => n.startsWith('shap_'))).toBe(false);
    expect(view.attributions.names).toEqual(['shap_x', 'shap_z', 'shap_color', 'shap_flag', 'shap_base']);
  });

  it('writes an input named like an attribution as input_<name>', async () => {
    const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 1 }, flushIntervalMs: 0 });
    buffer.offer({ project: 'default', endpoint: 'shap', variant: 'main', modelVersion: 'm@1', predictionIds: ['a'], inputs: { shap_x: [1] }, predictions: [0], latencyMs: 1, receivedAt: Date.now() });
    await buffer.close();
    expect((await kiln.capture.readCapture({ endpoint: 'shap' })).names).toContain('input_shap_x');
  });
});

describe('parseCaptureSettings', () => {
  it('takes attributions as a boolean and refuses anything else, naming the field', () => {
    expect(parseCaptureSettings({ sampleRate: 0.5, attributions: true })).toEqual({ sampleRate: 0.5, masking: null, attributions: true });
    expect(parseCaptureSettings({ sampleRate: 0.5 }).attributions).toBe(false);
    expect(() => parseCaptureSettings({ sampleRate: 0.5, attributions: 'yes' })).toThrow(/capture\.attributions must be true or false/);
  });
});
