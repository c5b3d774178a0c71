/**
 * Feedback on a real embedded Kiln: idempotent batches, last-wins updates with history, unknown ids
 * reported per item while the rest are stored, bad batches refused whole, the join with captured rows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellValue } from '../../core/frame.js';
import { InputError } from '../../core/errors.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import type { PredictionRecord } from '../prediction-record.js';

let kiln: Kiln;
let home: string;
const ctx = { actor: 'tester' };
const ids = Array.from({ length: 40 }, (_, i) => `p-${i}`);

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-feedback-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  // 40 predictions, half of them captured: every id is indexed, so all 40 accept feedback.
  const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 0.5 }, flushIntervalMs: 0 });
  const rec: PredictionRecord = {
    project: 'default',
    endpoint: 'churn',
    variant: 'main',
    modelVersion: 'churn@1',
    predictionIds: ids,
    inputs: { x: ids.map((_, i) => i) },
    predictions: ids.map((_, i) => (i % 2 ? 'yes' : 'no')),
    latencyMs: 1,
    receivedAt: Date.parse('2026-03-01T00:00:00Z'),
  };
  buffer.offer(rec);
  await buffer.close();
});
afterAll(async () => {
  await kiln?.close();
  await rm(home, { recursive: true, force: true });
});

describe('FeedbackService', () => {
  it('stores labels for known ids, reports unknown ones per item, and is idempotent', async () => {
    const first = await kiln.feedback.record('churn', [{ predictionId: 'p-0', label: 'no' }, { predictionId: 'nope', label: 'yes' }, { predictionId: 'p-1', label: 'yes' }, { predictionId: 'p-1', label: 'yes' }], ctx);
    expect(first).toEqual({ project: 'default', endpoint: 'churn', received: 4, inserted: 2, updated: 0, unchanged: 0, unknown: [{ index: 1, predictionId: 'nope' }] });
    const again = await kiln.feedback.record('churn', [{ predictionId: 'p-0', label: 'no' }, { predictionId: 'p-1', label: 'yes' }], ctx);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, unknown: [] });
    const changed = await kiln.feedback.record('churn', [{ predictionId: 'p-0', label: 'yes' }], { actor: 'other' });
    expect(changed).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    expect((await kiln.metadata.feedback.history('churn', 'p-0')).map((h) => [h.labelJson, h.recordedBy])).toEqual([
      ['"no"', 'tester'],
      ['"yes"', 'other'],
    ]);
    // The same ids on another endpoint or project are unknown there.
    expect((await kiln.feedback.record('other', [{ predictionId: 'p-0', label: 1 }], ctx)).unknown).toHaveLength(1);
    const audit = await kiln.metadata.audit.list({}, { limit: 100 });
    expect(audit.items.filter((e) => e.action === 'endpoint.feedback')).toHaveLength(2);
  });

  it('refuses malformed batches whole, listing every bad item', async () => {
    const bad: unknown[] = [{ predictionId: 'p-2', label: 'ok' }, { predictionId: '', label: 1 }, { predictionId: 'p-3' }, { predictionId: 'p-4', label: { nested: true } }, 'x', { predictionId: 'p-5', label: 1, extra: 1 }, { predictionId: 'p-6', label: Number.NaN }];
    const err = await kiln.feedback.record('churn', bad, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).details.problems).toHaveLength(6);
    expect((await kiln.metadata.feedback.labels('churn', ['p-2'])).size).toBe(0);
    await expect(kiln.feedback.record('churn', [], ctx)).rejects.toThrow(/empty/);
    await expect(kiln.feedback.record('churn', 'labels', ctx)).rejects.toThrow(/array/);
    await expect(kiln.feedback.record('churn', Array.from({ length: 10001 }, (_, i) => ({ predictionId: `q${i}`, label: 1 })), ctx)).rejects.toThrow(/at most 10000/);
    await expect(kiln.feedback.record('churn', [{ predictionId: 'p-7', label: 'a' }, { predictionId: 'p-7', label: 'b' }], ctx)).rejects.toThrow(/different label/);
    await expect(kiln.feedback.record('../etc', [{ predictionId: 'p-7', label: 'a' }], ctx)).rejects.toThrow(/endpoint name/);
  });

  it('joins captured rows with their current labels', async () => {
    await kiln.feedback.record('churn', ids.slice(10, 40).map((id, i) => ({ predictionId: id, label: i % 2 ? 'yes' : 'no' })), ctx);
    const frame = await kiln.feedback.joinFeedback({ endpoint: 'churn' });
    const captured = await kiln.capture.readCapture({ endpoint: 'churn' });
    expect(frame.rowCount).toBe(captured.rowCount);
    expect(frame.names.slice(-2)).toEqual(['label', 'label_recorded_at']);
    const labels = await kiln.metadata.feedback.labels('churn', ids);
    for (let i = 0; i < frame.rowCount; i++) {
      const id = String(cellValue(frame.column('prediction_id'), i));
      const stored = labels.get(id);
      expect(cellValue(frame.column('label'), i)).toBe(stored ? JSON.parse(stored.labelJson) : null);
    }
  });
});

