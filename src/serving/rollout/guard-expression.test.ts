/** Guards, plans and the small pieces under them: grammar errors with positions, steps, durations, metric math. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { guardHolds, parseGuard, parseGuards } from './guard-expression.js';
import { GUARD_METRICS, latencyQuantile } from './guard-metrics.js';
import { parseDuration, planRollout, variantsAt } from './rollout-plan.js';
import { stickyKeyOf, stickyUnit } from './sticky-assignment.js';
import { predictionHistogramOf, predictionScores, referenceCounts, scoreBin } from './prediction-score.js';
import { latencyBucket, predictionBin, SCORE_BIN_PREFIX } from './variant-metrics-recorder.js';
import { addRow, emptyWindow } from './variant-window.js';
import type { ModelBundle } from '../../runtime/bundle-types.js';

const MAIN = [{ name: 'main', model: 'churn@1', weight: 1 }];

function thrown(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('guard grammar', () => {
  it('parses the four documented guards and more', () => {
    expect(parseGuard('error_rate < 0.01')).toEqual({ metric: 'error_rate', op: '<', threshold: 0.01, source: 'error_rate < 0.01' });
    expect(parseGuard('  p99_ms<50 ')).toMatchObject({ metric: 'p99_ms', op: '<', threshold: 50 });
    expect(parseGuard('psi <= 2e-1')).toMatchObject({ metric: 'psi', op: '<=', threshold: 0.2 });
    expect(parseGuard('accuracy > .8')).toMatchObject({ metric: 'accuracy', op: '>', threshold: 0.8 });
    expect(guardHolds(parseGuard('accuracy >= 0.8'), 0.8)).toBe(true);
    expect(guardHolds(parseGuard('error_rate < 0.01'), 0.01)).toBe(false);
  });

  it('points at the position of every mistake', () => {
    const cases: [unknown, RegExp, number][] = [
      ['', /expected a metric name at position 1/, 1],
      ['latency < 5', /unknown metric "latency" at position 1/, 1],
      ['error_rate 0.01', /expected a comparison \(<, <=, >, >=\) at position 12/, 12],
      ['error_rate == 0.01', /expected a comparison .* at position 12/, 12],
      ['error_rate <= =1', /expected a number at position 15/, 15],
      ['error_rate < abc', /expected a number at position 14/, 14],
      ['error_rate < 0.01 or', /unexpected "o" at position 19/, 19],
      ['p99_ms < 1e999', /expected a finite number/, 15],
    ];
    for (const [text, message, position] of cases) {
      const err = thrown(() => parseGuard(text, 'guards[2]'));
      expect(err.message).toMatch(/^guards\[2\]: /);
      expect(err.message).toMatch(message);
      expect(err.details.position).toBe(position);
    }
    expect(thrown(() => parseGuard('error_rate << 0.01')).message).toContain('error_rate << 0.01\n              ^');
    expect(thrown(() => parseGuard(42)).message).toMatch(/must be a string/);
    expect(thrown(() => parseGuard('x'.repeat(201))).message).toMatch(/longer than 200/);
    expect(thrown(() => parseGuards('error_rate < 1')).details.field).toBe('guards');
    expect(thrown(() => parseGuards(Array.from({ length: 17 }, () => 'psi < 1'))).message).toMatch(/at most 16/);
  });
});

describe('rollout plans', () => {
  it('builds steps per strategy and checks them', () => {
    expect(planRollout({ to: 'churn@2', strategy: 'canary' }, MAIN).steps).toEqual([10, 100]);
    expect(planRollout({ to: 'churn@2', strategy: 'linear', stepCount: 3 }, MAIN).steps).toEqual([33.33, 66.67, 100]);
    expect(planRollout({ to: 'churn@2', strategy: 'blue-green' }, MAIN).steps).toEqual([100]);
    expect(planRollout({ to: 'churn@2', strategy: 'shadow' }, MAIN).steps).toEqual([0]);
    expect(planRollout({ to: 'churn@2', strategy: 'ab' }, MAIN).weights).toEqual([50, 50]);
    expect(thrown(() => planRollout({ to: 'churn@2', strategy: 'canary', steps: [100] }, MAIN)).message).toMatch(/small first step/);
    expect(thrown(() => planRollout({ to: 'churn@2', strategy: 'canary', steps: [0, 100] }, MAIN)).message).toMatch(/above 0/);
    expect(thrown(() => planRollout({ to: 'churn@2', strategy: 'linear', steps: [10, 101] }, MAIN)).message).toMatch(/percentage from 0 to 100/);
    expect(thrown(() => planRollout({ to: 'churn@2', strategy: 'ab', weights: [60, 60] }, MAIN)).message).toMatch(/sum to 100 \(got 60 \+ 60 = 120\)/);
    expect(thrown(() => planRollout({ to: 'churn@2', strategy: 'shadow', steps: [10, 100] }, MAIN)).message).toMatch(/no traffic steps/);
    expect(thrown(() => planRollout({ to: 'churn@2', strategy: 'shadow', shadowSampleRate: 0 }, MAIN)).message).toMatch(/\(0, 1\]/);
    expect(thrown(() => planRollout({ to: 'churn@2', strategy: 'canary' }, [...MAIN, { name: 'b', model: 'x@1', weight: 1 }])).message).toMatch(/serves 2 variants/);
    expect(thrown(() => planRollout({ to: 'churn@2', strategy: 'canary', candidateVariant: 'main' }, MAIN)).details.field).toBe('candidateVariant');
  });

  it('parses durations and keeps the old version loaded at weight 0 when the candidate has everything', () => {
    expect([parseDuration('5m', 'bake'), parseDuration('90s', 'bake'), parseDuration('1500ms', 'bake'), parseDuration('1.5s', 'bake'), parseDuration('1h', 'bake'), parseDuration(250, 'bake')]).toEqual([300000, 90000, 1500, 1500, 3600000, 250]);
    expect(thrown(() => parseDuration('10', 'bake')).message).toMatch(/from 100ms to 7 days/);
    expect(thrown(() => parseDuration('8d', 'bake')).message).toMatch(/duration like/);
    const spec = planRollout({ to: 'churn@2', strategy: 'blue-green' }, MAIN);
    expect(variantsAt(spec, 100)).toEqual([{ name: 'main', model: 'churn@1', weight: 0 }, { name: 'candidate', model: 'churn@2', weight: 100 }]);
  });
});

describe('metrics and sticky keys', () => {
  it('histogram quantiles are bucket upper bounds; PSI waits for data; accuracy joins labels', () => {
    const w = emptyWindow('candidate', false);
    for (const ms of [0.1, 0.4, 0.9, 1.5, 40]) w.latencyBuckets[latencyBucket(ms)]++;
    expect(latencyQuantile(w.latencyBuckets, 0.5)).toBe(1);
    expect(latencyQuantile(w.latencyBuckets, 0.99)).toBe(50);
    expect(latencyQuantile(emptyWindow('x', false).latencyBuckets, 0.5)).toBeNull();
    w.requests = 5;
    const base = emptyWindow('main', false);
    base.requests = 5;
    expect(GUARD_METRICS.psi_vs_stable.value({ candidate: w, baseline: base, labels: new Map(), minRequests: 1, minLabels: 1 })).toBeNull();
    w.requests = 100;
    base.requests = 100;
    Object.assign(w.predictionBins, { 'label:yes': 50, 'label:no': 50 });
    Object.assign(base.predictionBins, { 'label:yes': 50, 'label:no': 50 });
    expect(GUARD_METRICS.psi_vs_stable.value({ candidate: w, baseline: base, labels: new Map(), minRequests: 1, minLabels: 1 })).toBe(0);
    w.sample.push(['a', 'yes'], ['b', 'no'], ['c', 'yes']);
    const labels = new Map<string, unknown>([['a', 'yes'], ['b', 'yes'], ['c', 'yes']]);
    expect(GUARD_METRICS.accuracy.value({ candidate: w, baseline: base, labels, minRequests: 1, minLabels: 3 })).toBeCloseTo(2 / 3);
    expect(GUARD_METRICS.accuracy.value({ candidate: w, baseline: base, labels, minRequests: 1, minLabels: 4 })).toBeNull();
    expect([predictionBin('yes'), predictionBin(0), predictionBin(-3), predictionBin(Number.NaN)]).toEqual(['label:yes', 'num:0', 'num:-8', 'nan']);
  });

  it('sticky units are stable, spread evenly, and keys come from fields, columns, OIP inputs or headers', () => {
    expect(stickyUnit('ro-1', 'user-1')).toBe(stickyUnit('ro-1', 'user-1'));
    expect(stickyUnit('ro-1', 'user-1')).not.toBe(stickyUnit('ro-2', 'user-1'));
    const deciles = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) deciles[Math.floor(stickyUnit('ro-1', `k${i}`) * 10)]++;
    // Each decile expects 2000 (sd 42): within 5 sd.
    for (const d of deciles) expect(Math.abs(d - 2000)).toBeLessThan(210);
    const headers = { 'x-user-id': 'h1' };
    expect(stickyKeyOf('user_id', { body: { instances: [{ user_id: 42 }] }, headers: {} })).toBe('42');
    expect(stickyKeyOf('user_id', { body: { columns: { user_id: ['c1', 'c2'] } }, headers: {} })).toBe('c1');
    expect(stickyKeyOf('user_id', { body: { inputs: [{ name: 'user_id', data: [['o1']] }] }, headers: {} })).toBe('o1');
    expect(stickyKeyOf('header:X-User-Id', { body: {}, headers })).toBe('h1');
    expect(stickyKeyOf('user_id', { body: { instances: [{ user_id: { nested: 1 } }] }, headers: {} })).toBeNull();
    expect(stickyKeyOf('user_id', { body: { instances: [{}] }, headers: {} })).toBeNull();
    expect(stickyKeyOf('user_id', undefined)).toBeNull();
  });

  it('psi compares live scores with the model\'s training histogram on its own bins; no histogram: null with the reason', () => {
    const histogram = { edges: [0, 0.25, 0.5, 0.75, 1], counts: [10, 20, 30, 40] };
    expect([scoreBin(-0.1, histogram.edges), scoreBin(0, histogram.edges), scoreBin(0.3, histogram.edges), scoreBin(1, histogram.edges), scoreBin(1.2, histogram.edges), scoreBin(Number.NaN, histogram.edges)]).toEqual([0, 1, 2, 4, 5, -1]);
    expect(referenceCounts(histogram)).toEqual([0, 10, 20, 30, 40, 0]);
    expect(predictionScores('binary', { predictions: ['neg', 'pos'], probabilities: [[0.9, 0.1], [0.2, 0.8]], labels: ['neg', 'pos'] })).toEqual([0.1, 0.8]);
    expect(predictionScores('multiclass', { predictions: ['a'], probabilities: [[0.2, 0.5, 0.3]], labels: ['a', 'b', 'c'] })).toEqual([0.5]);
    expect(predictionScores('regression', { predictions: [3.5] })).toEqual([3.5]);
    const training = { model: 'churn@2', histogram };
    const w = emptyWindow('candidate', false);
    const row = (bins: Record<string, number>, model = 'churn@2') => ({ endpoint: 'e', variant: 'candidate', model, writer: 'w', at: 1, requests: 100, errors: 0, missingKeys: 0, agreements: 0, shadow: false, latencySumMs: 1, latencyBuckets: [], predictionBins: { 'label:pos': 100, ...Object.fromEntries(Object.entries(bins).map(([k, n]) => [`${SCORE_BIN_PREFIX}${k}`, n])) }, sample: [] });
    // The candidate answers like its training data (counts x2): PSI 0; score keys never leak into the label bins.
    addRow(w, row({ 1: 20, 2: 40, 3: 60, 4: 80 }));
    // 4 bins x 25 = 100 scored predictions needed; 200 here.
    expect(w.predictionBins).toEqual({ 'label:pos': 100 });
    const inputs = { candidate: w, baseline: null, labels: new Map(), minRequests: 20, minLabels: 1, training };
    expect(GUARD_METRICS.psi.value(inputs)).toBeCloseTo(0, 12);
    // Shifted: everything above the training range.
    const shifted = emptyWindow('candidate', false);
    addRow(shifted, row({ 4: 20, 5: 180 }));
    const psi = GUARD_METRICS.psi.value({ ...inputs, candidate: shifted }) as number;
    expect(psi).toBeGreaterThan(0.2);
    expect(guardHolds(parseGuard('psi < 0.2'), psi)).toBe(false);
    // Too few scored predictions, scores of another model only, no histogram (ONNX, old bundles), not looked up.
    const few = emptyWindow('candidate', false);
    addRow(few, row({ 1: 3 }));
    expect(GUARD_METRICS.psi.value({ ...inputs, candidate: few })).toBeNull();
    expect(GUARD_METRICS.psi.pending({ ...inputs, candidate: few })).toMatch(/waiting for 100 scored predictions on candidate \(3 so far\)/);
    const other = emptyWindow('candidate', false);
    addRow(other, row({ 1: 300 }, 'churn@1'));
    expect(GUARD_METRICS.psi.value({ ...inputs, candidate: other })).toBeNull();
    const none = { model: 'onnx@1', histogram: null, note: 'onnx@1 is an ONNX model: it carries no training prediction baseline (use psi_vs_stable)' };
    expect(GUARD_METRICS.psi.value({ ...inputs, training: none })).toBeNull();
    expect(GUARD_METRICS.psi.pending({ ...inputs, training: none })).toMatch(/ONNX model/);
    expect(GUARD_METRICS.psi.value({ candidate: w, baseline: null, labels: new Map(), minRequests: 20, minLabels: 1 })).toBeNull();
    // Bundles without a usable histogram: older bundles, ONNX placeholders, all-empty counts.
    expect(predictionHistogramOf({ baseline: { rows: 1, features: [] } } as unknown as ModelBundle)).toBeNull();
    expect(predictionHistogramOf({} as unknown as ModelBundle)).toBeNull();
    expect(predictionHistogramOf({ baseline: { rows: 1, features: [], predictions: { edges: [0, 1], counts: [0] } } } as unknown as ModelBundle)).toBeNull();
    expect(predictionHistogramOf({ baseline: { rows: 1, features: [], predictions: histogram } } as unknown as ModelBundle)).toBe(histogram);
  });
});
