/**
 * Conformance suite for the capture-segment and prediction-feedback repositories (migration 11). Each SQL
 * adapter's test file calls `describeCaptureRepositoriesContract` with a fresh, migrated store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import type { CaptureSegment } from './capture-segment-repository.js';
import type { MetadataStore } from './metadata-store.js';

/** A fresh store for one test. */
export interface CaptureRepositoriesHarness {
  readonly store: MetadataStore;
  dispose(): Promise<void>;
}

const HASH = 'ab'.repeat(32);

const segment = (id: string, startAt: string, endAt: string, overrides: Partial<CaptureSegment> = {}): CaptureSegment => ({
  id,
  project: 'default',
  endpoint: 'churn',
  startAt,
  endAt,
  rowCount: 2,
  artifactHash: HASH,
  columns: [{ name: 'prediction_id', type: 'text', role: 'field' }],
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

/** Registers the conformance tests for one adapter. */
export function describeCaptureRepositoriesContract(label: string, create: () => Promise<CaptureRepositoriesHarness>): void {
  describe(`capture repositories contract: ${label}`, () => {
    let h: CaptureRepositoriesHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.dispose();
    });

    it('records segments with their ids and lists them by endpoint and overlapping time', async () => {
      const segs = h.store.captureSegments;
      const t = (m: number): string => `2026-01-01T00:${String(m).padStart(2, '0')}:00.000Z`;
      await segs.record('churn', [{ predictionId: 'p1', receivedAt: t(1) }, { predictionId: 'p2', receivedAt: t(2) }], segment('seg_00000001', t(1), t(2)));
      await segs.record('churn', [{ predictionId: 'p3', receivedAt: t(10) }], segment('seg_00000002', t(10), t(12), { rowCount: 1 }));
      await segs.record('other', [{ predictionId: 'p1', receivedAt: t(1) }], segment('seg_00000003', t(1), t(1), { endpoint: 'other', rowCount: 1 }));
      await h.store.inProject('alpha').captureSegments.record('churn', [{ predictionId: 'q1', receivedAt: t(1) }]);
      expect((await segs.list({ endpoint: 'churn' })).map((s) => s.id)).toEqual(['seg_00000001', 'seg_00000002']);
      expect((await segs.list({ endpoint: 'churn', from: t(3) })).map((s) => s.id)).toEqual(['seg_00000002']);
      expect((await segs.list({ endpoint: 'churn', to: t(10) })).map((s) => s.id)).toEqual(['seg_00000001']);
      expect((await segs.list({ endpoint: 'churn', from: t(2), to: t(11) })).map((s) => s.id)).toEqual(['seg_00000001', 'seg_00000002']);
      expect(await h.store.inProject('alpha').captureSegments.list({ endpoint: 'churn' })).toEqual([]);
      expect((await h.store.inProject('alpha').captureSegments.knownPredictionIds('churn', ['q1'])).size).toBe(1);
      expect((await segs.knownPredictionIds('churn', ['q1'])).size).toBe(0);
      const [first] = await segs.list({ endpoint: 'churn' });
      expect(first).toEqual(segment('seg_00000001', t(1), t(2)));
      expect(await segs.artifactHashes()).toEqual([HASH]);
    });

    it('indexes prediction ids per project and endpoint, idempotently', async () => {
      const segs = h.store.captureSegments;
      const at = '2026-01-01T00:00:00.000Z';
      const many = Array.from({ length: 2500 }, (_, i) => ({ predictionId: `id-${i}`, receivedAt: at }));
      await segs.record('churn', many);
      await segs.record('churn', many.slice(0, 10)); // a retried flush
      const known = await segs.knownPredictionIds('churn', ['id-0', 'id-2499', 'nope', 'id-0']);
      expect([...known].sort()).toEqual(['id-0', 'id-2499']);
      expect((await segs.knownPredictionIds('other', ['id-0'])).size).toBe(0);
      expect((await h.store.inProject('alpha').captureSegments.knownPredictionIds('churn', ['id-0'])).size).toBe(0);
      expect((await segs.knownPredictionIds('churn', many.map((p) => p.predictionId))).size).toBe(2500);
      await segs.record('churn', [{ predictionId: 'late', receivedAt: '2026-01-01T01:00:00.000Z' }]);
      expect(await segs.countPredictions('churn', at, '2026-01-01T01:00:00.000Z')).toBe(2500);
      expect(await segs.countPredictions('churn', at, '2026-01-01T01:00:00.001Z')).toBe(2501);
      expect(await segs.countPredictions('other', at, '2027-01-01T00:00:00.000Z')).toBe(0);
      expect(await h.store.inProject('alpha').captureSegments.countPredictions('churn', at, '2027-01-01T00:00:00.000Z')).toBe(0);
    });

    it('rejects malformed segments and ids, writing nothing', async () => {
      const segs = h.store.captureSegments;
      const at = '2026-01-01T00:00:00.000Z';
      await expect(segs.record('churn', [{ predictionId: '', receivedAt: at }])).rejects.toBeInstanceOf(UsageError);
      await expect(segs.record('churn', [{ predictionId: 'x', receivedAt: 'yesterday' }])).rejects.toThrow(/receivedAt/);
      await expect(segs.record('churn', [{ predictionId: 'x', receivedAt: at }], segment('seg_1', at, at))).rejects.toThrow(/seg_<hex>/);
      await expect(segs.record('churn', [], segment('seg_00000009', at, at, { artifactHash: '../etc' }))).rejects.toThrow(/artifactHash/);
      await expect(segs.record('churn', [], segment('seg_00000009', '2026-01-02T00:00:00.000Z', at))).rejects.toThrow(/after/);
      await expect(segs.record('churn', [], segment('seg_00000009', at, at, { endpoint: 'x' }))).rejects.toThrow(/another/);
      await expect(segs.record('churn', [], segment('seg_00000009', at, at, { project: 'alpha' }))).rejects.toThrow(/another/);
      expect(await segs.list({ endpoint: 'churn' })).toEqual([]);
      expect((await segs.knownPredictionIds('churn', ['x'])).size).toBe(0);
    });

    it('a failed transaction leaves no segment and no ids', async () => {
      const at = '2026-01-01T00:00:00.000Z';
      await expect(
        h.store.transaction(async (tx) => {
          await tx.captureSegments.record('churn', [{ predictionId: 'p1', receivedAt: at }], segment('seg_0000000a', at, at, { rowCount: 1 }));
          throw new Error('crash after the segment row');
        }),
      ).rejects.toThrow(/crash/);
      expect(await h.store.captureSegments.list({ endpoint: 'churn' })).toEqual([]);
      expect((await h.store.captureSegments.knownPredictionIds('churn', ['p1'])).size).toBe(0);
    });

    it('records feedback idempotently; a changed label wins and keeps its history', async () => {
      const fb = h.store.feedback;
      const first = await fb.record('churn', [{ predictionId: 'p1', labelJson: '"yes"' }, { predictionId: 'p2', labelJson: '0' }], '2026-01-02T00:00:00.000Z', 'alice');
      expect(first).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      const again = await fb.record('churn', [{ predictionId: 'p1', labelJson: '"yes"' }, { predictionId: 'p2', labelJson: '0' }], '2026-01-03T00:00:00.000Z', 'alice');
      expect(again).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
      const changed = await fb.record('churn', [{ predictionId: 'p1', labelJson: '"no"' }, { predictionId: 'p3', labelJson: 'true' }], '2026-01-04T00:00:00.000Z', 'bob');
      expect(changed).toEqual({ inserted: 1, updated: 1, unchanged: 0 });
      const labels = await fb.labels('churn', ['p1', 'p2', 'p3', 'p4']);
      expect([...labels.keys()].sort()).toEqual(['p1', 'p2', 'p3']);
      expect(labels.get('p1')).toEqual({ predictionId: 'p1', labelJson: '"no"', revision: 2, recordedAt: '2026-01-04T00:00:00.000Z', recordedBy: 'bob' });
      expect(labels.get('p2')?.recordedAt).toBe('2026-01-02T00:00:00.000Z');
      expect((await fb.history('churn', 'p1')).map((r) => [r.revision, r.labelJson, r.recordedBy])).toEqual([
        [1, '"yes"', 'alice'],
        [2, '"no"', 'bob'],
      ]);
      expect((await fb.labels('other', ['p1'])).size).toBe(0);
      expect((await h.store.inProject('alpha').feedback.labels('churn', ['p1'])).size).toBe(0);
      expect(await h.store.inProject('alpha').feedback.history('churn', 'p1')).toEqual([]);
    });

    it('rejects duplicate ids in one call and malformed labels, writing nothing', async () => {
      const fb = h.store.feedback;
      const at = '2026-01-02T00:00:00.000Z';
      await expect(fb.record('churn', [{ predictionId: 'p1', labelJson: '1' }, { predictionId: 'p1', labelJson: '2' }], at, 'a')).rejects.toBeInstanceOf(UsageError);
      await expect(fb.record('churn', [{ predictionId: 'p1', labelJson: '' }], at, 'a')).rejects.toThrow(/label 0/);
      expect((await fb.labels('churn', ['p1'])).size).toBe(0);
    });

    it('sums the current labels per variant of predictions received in a window, joined on the id index', async () => {
      const fb = h.store.feedback;
      const at = '2026-01-02T00:00:00.000Z';
      const t = (m: number): string => `2026-01-01T00:${String(m).padStart(2, '0')}:00.000Z`;
      const window = { from: t(10), to: t(50) };
      const index = (variant: string | undefined, ids: readonly string[], minute: number, predictions: readonly (string | null)[] = []) =>
        h.store.captureSegments.record('churn', ids.map((predictionId, i) => ({ predictionId, receivedAt: t(minute), ...(variant ? { variant } : {}), prediction: predictions[i] ?? null })));
      // main: booleans and 0/1; big: revenue-like numbers around a large mean; cls: class labels against predictions.
      await index('main', ['m0', 'm1', 'm2', 'm3', 'm4'], 10);
      await index('big', ['b0', 'b1', 'b2', 'b3'], 20);
      await index('cls', ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'], 49, ['yes', 'no', 'say "hi"', 'a\\b', '3', 'x']);
      await index('main', ['early'], 9);
      await index('main', ['late'], 50);
      await index(undefined, ['novariant'], 30);
      await h.store.inProject('alpha').captureSegments.record('churn', [{ predictionId: 'm0', receivedAt: t(10), variant: 'main' }]);
      const labels = [
        ...['true', 'false', 'true', '1', '0'].map((l, i) => ({ predictionId: `m${i}`, labelJson: l })),
        ...[1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 6].map((v, i) => ({ predictionId: `b${i}`, labelJson: JSON.stringify(v) })),
        ...['yes', 'yes', 'say "hi"', 'a\\b', 3].map((v, i) => ({ predictionId: `c${i}`, labelJson: JSON.stringify(v) })),
        // Ignored: unknown ids, ids without a variant, and predictions received before or after the window.
        { predictionId: 'unknown', labelJson: 'true' },
        { predictionId: 'novariant', labelJson: 'true' },
        { predictionId: 'early', labelJson: 'true' },
        { predictionId: 'late', labelJson: 'true' },
      ];
      await fb.record('churn', labels, at, 'a');
      await fb.record('churn', [{ predictionId: 'm0', labelJson: 'false' }], at, 'a');
      const groups = await fb.summarizeByVariant('churn', window);
      expect(groups.map((g) => g.variant)).toEqual(['big', 'cls', 'main']);
      expect(groups[2]).toEqual({ variant: 'main', labelled: 5, trues: 2, falses: 3, numeric: 2, sum: 1, squaredDeviations: 0.5, compared: 0, correct: 0 });
      expect(groups[0]).toMatchObject({ variant: 'big', labelled: 4, trues: 0, falses: 0, numeric: 4, sum: 4e9 + 12 });
      // Deviations around the mean 1e9 + 3: 4 + 1 + 0 + 9, exact despite the large mean.
      expect(groups[0].squaredDeviations).toBeCloseTo(14, 6);
      // Correct as String(prediction) === String(label): yes, say "hi", a\b and 3 (a number label); c1 is wrong, c5 unlabelled.
      expect(groups[1]).toMatchObject({ variant: 'cls', labelled: 5, numeric: 1, sum: 3, compared: 5, correct: 4 });
      expect(await fb.summarizeByVariant('churn', { from: t(0), to: t(9) })).toEqual([]);
      expect((await fb.summarizeByVariant('churn', { from: t(0), to: t(59) })).find((g) => g.variant === 'main')?.labelled).toBe(7);
      expect(await fb.summarizeByVariant('other', window)).toEqual([]);
      expect(await h.store.inProject('alpha').feedback.summarizeByVariant('churn', window)).toEqual([]);
      await expect(fb.summarizeByVariant('churn', { from: "x'; drop", to: t(1) })).rejects.toBeInstanceOf(UsageError);
      await expect(h.store.captureSegments.record('churn', [{ predictionId: 'v', receivedAt: t(1), variant: '' }])).rejects.toBeInstanceOf(UsageError);
      await expect(h.store.captureSegments.record('churn', [{ predictionId: 'v', receivedAt: t(1), prediction: 'x'.repeat(201) }])).rejects.toBeInstanceOf(UsageError);
    });

    it('stores a large batch in one call', async () => {
      const labels = Array.from({ length: 1200 }, (_, i) => ({ predictionId: `p${i}`, labelJson: String(i % 2) }));
      expect(await h.store.feedback.record('churn', labels, '2026-01-02T00:00:00.000Z', 'a')).toEqual({ inserted: 1200, updated: 0, unchanged: 0 });
      expect((await h.store.feedback.labels('churn', labels.map((l) => l.predictionId))).size).toBe(1200);
    });
  });
}
