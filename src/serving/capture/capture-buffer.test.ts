/**
 * Capture end to end on a real embedded Kiln (SQLite + filesystem artifacts): sampling, the bounded
 * buffer, graceful close, masking before bytes hit storage, and crash-safety of a flush.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cellValue } from '../../core/frame.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import { loadPiiSalt } from '../../security/pii/pii-salt.js';
import type { PredictionRecord } from '../prediction-record.js';
import { CaptureBuffer } from './capture-buffer.js';
import type { CaptureWriter } from './capture-segment-writer.js';
import { CaptureSegmentWriter } from './capture-segment-writer.js';
import { registerCaptureMetrics } from './capture-metrics.js';
import { isSampled } from './capture-sampler.js';

let kiln: Kiln;
let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-capture-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
});
afterEach(async () => {
  await kiln.close();
  await rm(home, { recursive: true, force: true });
});

let seq = 0;
function record(n: number, overrides: Partial<PredictionRecord> = {}): PredictionRecord {
  const ids = Array.from({ length: n }, () => `pred-${String(++seq).padStart(6, '0')}`);
  return {
    project: 'default',
    endpoint: 'churn',
    variant: 'main',
    modelVersion: 'churn@3',
    predictionIds: ids,
    inputs: { tenure: ids.map((_, i) => i * 1.5), plan: ids.map((_, i) => (i % 2 ? 'gold' : 'basic')), active: ids.map((_, i) => i % 3 === 0) },
    predictions: ids.map((_, i) => (i % 2 ? 'yes' : 'no')),
    probabilities: ids.map((_, i) => (i % 2 ? [0.2, 0.8] : [0.9, 0.1])),
    labels: ['no', 'yes'],
    latencyMs: 1.25,
    receivedAt: Date.parse('2026-03-01T10:00:00.000Z') + seq,
    ...overrides,
  };
}

describe('CaptureBuffer', () => {
  it('loses nothing on close: offer N rows, close, read N rows back with typed columns', async () => {
    const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 1 }, flushRows: 300, flushIntervalMs: 0 });
    const records = [record(1), record(250), record(7), record(500), record(42)];
    for (const r of records) buffer.offer(r);
    await buffer.close();
    const frame = await kiln.capture.readCapture({ endpoint: 'churn' });
    expect(frame.rowCount).toBe(800);
    expect(frame.names).toEqual(['prediction_id', 'endpoint', 'variant', 'model_version', 'received_at', 'latency_ms', 'tenure', 'plan', 'active', 'prediction', 'proba_no', 'proba_yes']);
    const ids = Array.from({ length: frame.rowCount }, (_, i) => cellValue(frame.column('prediction_id'), i));
    expect(new Set(ids)).toEqual(new Set(records.flatMap((r) => r.predictionIds)));
    expect(frame.column('tenure').type).toBe('numeric');
    expect(frame.column('active').type).toBe('boolean');
    expect(frame.column('received_at').type).toBe('timestamp');
    const first = records[1];
    const row = ids.indexOf(first.predictionIds[3]);
    expect(cellValue(frame.column('tenure'), row)).toBe(4.5);
    expect(cellValue(frame.column('plan'), row)).toBe('gold');
    expect(cellValue(frame.column('proba_yes'), row)).toBe(0.8);
    expect(cellValue(frame.column('prediction'), row)).toBe('yes');
    expect(cellValue(frame.column('received_at'), row)).toBe(new Date(first.receivedAt).toISOString());
    expect(buffer.counters()).toMatchObject({ offeredRows: 800, sampledRows: 800, writtenRows: 800, droppedRows: 0, bufferedRows: 0 });
    const segments = await kiln.metadata.captureSegments.list({ endpoint: 'churn' });
    expect(segments.reduce((s, x) => s + x.rowCount, 0)).toBe(800);
    // A time range selects rows by received_at: [from, to).
    const from = new Date(records[3].receivedAt).toISOString();
    const to = new Date(records[4].receivedAt).toISOString();
    expect((await kiln.capture.readCapture({ endpoint: 'churn', from, to })).rowCount).toBe(500);
    expect((await kiln.capture.readCapture({ endpoint: 'other' })).rowCount).toBe(0);
  });

  it('samples deterministically by prediction id and indexes every id for feedback', async () => {
    const buffer = await kiln.capture.createBuffer({ settings: (_p, e) => (e === 'churn' ? { sampleRate: 0.25 } : undefined), flushIntervalMs: 0, seed: 7 });
    const r = record(2000);
    buffer.offer(r);
    buffer.offer(record(10, { endpoint: 'quiet' }));
    await buffer.close();
    const expected = r.predictionIds.filter((id) => isSampled(id, 0.25, 7));
    expect(expected.length).toBeGreaterThan(400);
    expect(expected.length).toBeLessThan(600);
    const frame = await kiln.capture.readCapture({ endpoint: 'churn' });
    expect(Array.from({ length: frame.rowCount }, (_, i) => cellValue(frame.column('prediction_id'), i))).toEqual([...expected].sort());
    expect((await kiln.capture.readCapture({ endpoint: 'quiet' })).rowCount).toBe(0);
    const known = await kiln.metadata.captureSegments.knownPredictionIds('churn', r.predictionIds);
    expect(known.size).toBe(2000);
    expect(buffer.counters()).toMatchObject({ offeredRows: 2010, sampledRows: expected.length, indexedIds: 2010 });
    // Every id, sampled or not, is indexed with its variant and prediction: labels 'yes' on all of them are
    // correct exactly where the prediction was 'yes' (odd rows), counted in the store from all 2000.
    await kiln.metadata.feedback.record('churn', r.predictionIds.map((predictionId) => ({ predictionId, labelJson: '"yes"' })), '2026-03-02T00:00:00.000Z', 'test');
    const [main, ...rest] = await kiln.metadata.feedback.summarizeByVariant('churn', { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' });
    expect(rest).toEqual([]);
    expect(main).toMatchObject({ variant: 'main', labelled: 2000, compared: 2000, correct: 1000 });
  });

  it('never blocks or throws: a full buffer drops and counts, malformed records are counted', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const written: number[] = [];
    const slow: CaptureWriter = {
      async write(_p, _e, items) {
        await gate;
        const rows = items.reduce((s, i) => s + i.record.predictionIds.length, 0);
        written.push(rows);
        return { segments: [], capturedRows: rows, indexedIds: rows };
      },
    };
    const buffer = new CaptureBuffer({ writer: slow, defaults: { sampleRate: 1 }, capacityRows: 100, flushRows: 50, flushIntervalMs: 0 });
    const registry = new Registry();
    registerCaptureMetrics(registry, buffer);
    const t0 = performance.now();
    for (let i = 0; i < 30; i++) buffer.offer(record(10));
    buffer.offer({ ...record(3), predictions: ['only one'] });
    buffer.offer(null as unknown as PredictionRecord);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(buffer.counters()).toMatchObject({ bufferedRows: 100, droppedRows: 200, droppedRecords: 20, rejectedRecords: 2 });
    const text = await registry.metrics();
    expect(text).toMatch(/kiln_capture_dropped_rows_total 200/);
    expect(text).toMatch(/kiln_capture_buffered_rows 100/);
    release();
    await buffer.close();
    expect(written.reduce((a, b) => a + b, 0)).toBe(100);
    buffer.offer(record(5));
    expect(buffer.counters().droppedRows).toBe(205);
  });

  it('a crash between storing the blob and committing metadata leaves no visible segment; the retry writes it once', async () => {
    const salt = await loadPiiSalt(home);
    let crashes = 1;
    const writer = new CaptureSegmentWriter(kiln.metadata, kiln.artifacts, salt, async () => {
      if (crashes-- > 0) throw new Error('simulated crash before commit');
    });
    const errors: unknown[] = [];
    const buffer = new CaptureBuffer({ writer, defaults: { sampleRate: 1 }, flushIntervalMs: 0, onError: (e) => errors.push(e) });
    buffer.offer(record(20));
    await buffer.flush();
    expect(errors).toHaveLength(1);
    expect(await kiln.metadata.captureSegments.list({ endpoint: 'churn' })).toEqual([]);
    expect((await kiln.capture.readCapture({ endpoint: 'churn' })).rowCount).toBe(0);
    expect(buffer.counters()).toMatchObject({ bufferedRows: 20, writeFailures: 1 });
    await buffer.close();
    expect((await kiln.capture.readCapture({ endpoint: 'churn' })).rowCount).toBe(20);
    expect(await kiln.metadata.captureSegments.list({ endpoint: 'churn' })).toHaveLength(1);
  });

  it('gives rows up after maxAttempts failed writes, counting them as lost, and close reports nothing left', async () => {
    const failing: CaptureWriter = { write: () => Promise.reject(new Error('artifact store down')) };
    const buffer = new CaptureBuffer({ writer: failing, defaults: { sampleRate: 1 }, flushIntervalMs: 0, maxAttempts: 2 });
    buffer.offer(record(4));
    await buffer.flush();
    expect(buffer.counters()).toMatchObject({ bufferedRows: 4, lostRows: 0 });
    await buffer.close();
    expect(buffer.counters()).toMatchObject({ bufferedRows: 0, lostRows: 4, writeFailures: 2 });
  });

  it('reads the inputs of sampled records only (the server builds them lazily)', async () => {
    const writes: number[] = [];
    const writer: CaptureWriter = { write: (_p, _e, items) => Promise.resolve({ segments: [], capturedRows: writes.push(items.length), indexedIds: 0 }) };
    const buffer = new CaptureBuffer({ writer, defaults: { sampleRate: 0 }, flushIntervalMs: 0 });
    let reads = 0;
    const base = record(3);
    const lazy: PredictionRecord = {
      ...base,
      get inputs() {
        reads++;
        return base.inputs;
      },
    };
    buffer.offer(lazy);
    await buffer.close();
    expect(reads).toBe(0);
    expect(buffer.counters()).toMatchObject({ offeredRows: 3, sampledRows: 0, rejectedRecords: 0 });
  });

  it('isolates a record the writer cannot take on the last attempt: only that record is lost', async () => {
    const salt = await loadPiiSalt(home);
    const real = new CaptureSegmentWriter(kiln.metadata, kiln.artifacts, salt);
    const picky: CaptureWriter = {
      write: (p, e, items, masking) => (items.some((i) => i.record.variant === 'poison') ? Promise.reject(new Error('cannot take it')) : real.write(p, e, items, masking)),
    };
    const buffer = new CaptureBuffer({ writer: picky, defaults: { sampleRate: 1 }, flushIntervalMs: 0, maxAttempts: 3 });
    buffer.offer(record(5));
    buffer.offer(record(1, { variant: 'poison' }));
    buffer.offer(record(7));
    await buffer.close();
    expect(buffer.counters()).toMatchObject({ writtenRows: 12, lostRows: 1, bufferedRows: 0 });
    expect((await kiln.capture.readCapture({ endpoint: 'churn' })).rowCount).toBe(12);
  });

  it('applies the endpoint masking policy before anything is written: raw PII is in no segment byte', async () => {
    const emails = ['ada.lovelace@example.com', 'grace.hopper@example.org', 'alan.turing@example.net'];
    const cards = ['4111111111111111', '5500005555555559', '340000000000009'];
    const phones = ['+44 20 7946 0958', '+1 202 555 0143', '+33 1 70 18 99 00'];
    const ssn = ['123-45-6789', '987-65-4321', '555-44-3333'];
    const masking = { version: 1 as const, rules: [{ column: 'email', action: 'hash' as const }, { column: 'card', action: 'partial' as const, keep: 4 }, { column: 'phone', action: 'redact' as const }, { column: 'ssn', action: 'drop' as const }] };
    const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 1, masking }, flushIntervalMs: 0 });
    const base = record(3);
    buffer.offer({ ...base, inputs: { email: emails, card: cards, phone: phones, ssn, city: ['Londonderry', 'Washington', 'Marseille'] } });
    await buffer.close();
    const [segment] = await kiln.metadata.captureSegments.list({ endpoint: 'churn' });
    const bytes = Buffer.from(await kiln.artifacts.get(segment.artifactHash)).toString('latin1');
    // The control column's raw values are readable in the file, so absence of the others means something.
    expect(bytes).toContain('Londonderry');
    for (const raw of [...emails, ...cards, ...phones, ...ssn, 'example.com', '4111111111']) expect(bytes, raw).not.toContain(raw);
    expect(segment.columns.map((c) => c.name)).not.toContain('ssn');
    const frame = await kiln.capture.readCapture({ endpoint: 'churn' });
    expect(frame.names).not.toContain('ssn');
    const at = (col: string, i: number): unknown => cellValue(frame.column(col), i);
    const order = Array.from({ length: 3 }, (_, i) => base.predictionIds.indexOf(String(at('prediction_id', i))));
    order.forEach((k, i) => {
      expect(at('card', i)).toBe(`${'*'.repeat(cards[k].length - 4)}${cards[k].slice(-4)}`);
      expect(at('phone', i)).toBe('[redacted]');
      expect(String(at('email', i))).toMatch(/^[0-9a-f]{64}$/);
    });
    // Hashing is salted and deterministic, so a masked column still joins.
    expect(new Set(order.map((_, i) => at('email', i))).size).toBe(3);
    const logs = await readFile(join(home, 'pii-salt'), 'utf8');
    expect(logs.length).toBeGreaterThan(16);
  });
});

describe('reading across a model change', () => {
  it('lines segments up by column name: columns a layout lacks are missing', async () => {
    const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 1 }, flushIntervalMs: 0 });
    const v1 = record(3, { modelVersion: 'churn@1', inputs: { tenure: [1, 2, 3], plan: ['a', 'b', 'c'] } });
    const v2 = record(2, { modelVersion: 'churn@2', inputs: { tenure: [4, 5], region: ['eu', 'us'] }, probabilities: undefined, labels: undefined, predictions: [0.5, 1.5] });
    buffer.offer(v1);
    buffer.offer(v2);
    await buffer.close();
    expect(await kiln.metadata.captureSegments.list({ endpoint: 'churn' })).toHaveLength(2);
    const frame = await kiln.capture.readCapture({ endpoint: 'churn' });
    expect(frame.rowCount).toBe(5);
    expect(new Set(frame.names)).toEqual(new Set(['prediction_id', 'endpoint', 'variant', 'model_version', 'received_at', 'latency_ms', 'tenure', 'plan', 'region', 'prediction', 'proba_no', 'proba_yes']));
    const rows = Array.from({ length: 5 }, (_, i) => ({ version: cellValue(frame.column('model_version'), i), plan: cellValue(frame.column('plan'), i), region: cellValue(frame.column('region'), i) }));
    expect(rows.filter((r) => r.version === 'churn@2').every((r) => r.plan === null && r.region !== null)).toBe(true);
    expect(rows.filter((r) => r.version === 'churn@1').every((r) => r.region === null && r.plan !== null)).toBe(true);
  });
});

describe('capture with hostile input names and values', () => {
  it('writes odd names (quotes, case twins, empty, reserved, control characters, very long) and odd values without losing the batch', async () => {
    const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 1 }, flushIntervalMs: 0, maxAttempts: 1 });
    const base = record(2);
    const inputs: Record<string, unknown[]> = {
      'a"b': [1, 2],
      A: ['x', 'y'],
      a: [true, false],
      '': [1, 2],
      prediction: ['p', 'q'],
      'tab\there\u0000': [1, null],
      ['long'.repeat(200)]: [1, 2],
      "'; DROP TABLE capture_segments; --": ['1', '2'],
      mixed: [1, 'one'],
      nested: [{ deep: [1, 2] }, [3]],
    };
    buffer.offer({ ...base, inputs });
    buffer.offer(record(3));
    await buffer.close();
    expect(buffer.counters()).toMatchObject({ writtenRows: 5, lostRows: 0 });
    const frame = await kiln.capture.readCapture({ endpoint: 'churn' });
    expect(frame.rowCount).toBe(5);
    const names = frame.names;
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(names).toContain('input_prediction');
    expect(names).toContain('a"b');
    expect(names.every((n) => n.length > 0 && n.length <= 128 && ![...n].some((ch) => ch.charCodeAt(0) < 0x20))).toBe(true);
    const row = Array.from({ length: 5 }, (_, i) => cellValue(frame.column('prediction_id'), i)).indexOf(base.predictionIds[0]);
    expect(cellValue(frame.column('mixed'), row)).toBe('1');
    expect(cellValue(frame.column('nested'), row)).toBe('{"deep":[1,2]}');
  });
});

describe('capture segments encrypted at rest', () => {
  it('writes segments encrypted under KILN_MASTER_KEY and reads them back', async () => {
    const encHome = await mkdtemp(join(tmpdir(), 'kiln-capture-enc-'));
    const saved = process.env.KILN_MASTER_KEY;
    process.env.KILN_MASTER_KEY = 'ab'.repeat(32);
    const enc = await openKiln({ home: encHome, databaseUrl: undefined });
    try {
      const buffer = await enc.capture.createBuffer({ defaults: { sampleRate: 1 }, flushIntervalMs: 0 });
      buffer.offer(record(3, { inputs: { city: ['Londonderry', 'Marseille', 'Kyoto'] } }));
      await buffer.close();
      const [segment] = await enc.metadata.captureSegments.list({ endpoint: 'churn' });
      const { readdir: list } = await import('node:fs/promises');
      const files = (await list(encHome, { recursive: true })).map(String).filter((f) => f.includes(segment.artifactHash.slice(2)));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect((await readFile(join(encHome, f))).toString('latin1')).not.toContain('Londonderry');
      const frame = await enc.capture.readCapture({ endpoint: 'churn' });
      expect(frame.rowCount).toBe(3);
    } finally {
      await enc.close();
      if (saved === undefined) delete process.env.KILN_MASTER_KEY;
      else process.env.KILN_MASTER_KEY = saved;
      await rm(encHome, { recursive: true, force: true });
    }
  });
});
