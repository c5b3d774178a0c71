/**
 * Monitors on bad input: a baseline without a column the traffic has (and the reverse), empty windows,
 * constant and all-missing columns, NaN and Infinity in captured data, labels for unknown prediction ids,
 * and malformed monitor specs (cron, checks, windows, unknown endpoints and baselines). Every run stays a
 * stored summary with honest notes and only finite points; every bad spec is a typed error naming the field.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, UsageError } from '../../core/errors.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';

let kiln: Kiln;
let home: string;
const T0 = Date.parse('2026-06-01T12:00:00.000Z');

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-monitor-bad-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const lines = ['x,c,k,gone,label'];
  for (let i = 0; i < 300; i++) lines.push(`${(i % 23) / 4},${['a', 'b', 'c'][i % 3]},5,${i % 2},${(i % 23) / 4 + (i % 3) > 4 ? 'yes' : 'no'}`);
  const csv = join(home, 'train.csv');
  await writeFile(csv, `${lines.join('\n')}\n`);
  const trained = await kiln.training.train({ data: { file: csv }, target: 'label', exclude: ['gone'], params: { numTrees: 5 } });
  await kiln.endpoints.create({ name: 'bad', model: `trained:${trained.model.id}`, settings: { captureSampleRate: 1 } });
  await kiln.datasets.register(csv, 'bad-train');
  await kiln.monitors.baselines.create({ name: 'train-data', dataset: 'bad-train@1' });
  // Traffic: x has NaN and Infinity, k stays constant, c is missing everywhere, `extra` is new.
  const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 1 }, flushIntervalMs: 0 });
  const n = 60;
  const x = Array.from({ length: n }, (_, i) => (i === 0 ? Number.POSITIVE_INFINITY : i === 1 ? Number.NaN : i === 2 ? Number.NEGATIVE_INFINITY : (i % 23) / 4));
  buffer.offer({
    project: 'default',
    endpoint: 'bad',
    variant: 'main',
    modelVersion: 'm',
    predictionIds: Array.from({ length: n }, (_, i) => `q${i}`),
    inputs: { x, c: Array.from({ length: n }, () => null), k: Array.from({ length: n }, () => 5), extra: Array.from({ length: n }, (_, i) => i) },
    predictions: Array.from({ length: n }, (_, i) => (i % 2 ? 'yes' : 'no')),
    probabilities: Array.from({ length: n }, (_, i) => (i % 2 ? [0.3, 0.7] : [0.8, 0.2])),
    labels: ['no', 'yes'],
    latencyMs: 2,
    receivedAt: T0 - 10 * 60_000,
  });
  await buffer.close();
}, 120_000);
afterAll(async () => {
  await kiln?.close();
});

describe('monitor runs on awkward traffic', () => {
  it('notes columns on one side only, all-missing and non-finite values, and keeps every point finite', async () => {
    await kiln.monitors.create({ name: 'awkward', endpoint: 'bad', baseline: 'train-data', window: '1h' });
    const run = await kiln.monitors.run('awkward', { at: T0 });
    expect(run.status).toBe('ok');
    const notes = run.notes.join('\n');
    expect(notes).toMatch(/column "gone" skipped: in the baseline but not in the captured data/);
    expect(notes).toMatch(/column "extra" skipped: in the captured data but not in the baseline/);
    expect(notes).toMatch(/column "c" skipped: all values are missing in the current data/);
    expect(notes).toMatch(/2 non-finite values \(Infinity\) in column "x"/);
    for (const p of run.points) expect(Number.isFinite(p.value)).toBe(true);
    // The constant column is compared (identical on both sides: no drift), not a crash.
    const k = run.points.find((p) => p.check === 'drift' && p.column === 'k' && !p.metric.endsWith('_p_value'));
    expect(k?.drifted).toBe(false);
    expect(run.points.find((p) => p.metric === 'missing_rate' && p.column === 'c')?.value).toBe(1);
    expect(run.points.find((p) => p.metric === 'type_error_rate' && p.column === 'x')?.value).toBeCloseTo(2 / 60, 12);
    expect(run.points.find((p) => p.metric === 'missing_rate' && p.column === 'x')?.value).toBeCloseTo(1 / 60, 12);
    expect((await kiln.monitors.getRun(run.runId)).points).toEqual(run.points);
  });

  it('validates each window against an expectation suite, and a failing listener does not fail the run', async () => {
    const suite = { suiteVersion: 1, name: 'traffic', expectations: [{ type: 'column_values_between', column: 'x', min: 0, max: 4 }, { type: 'column_exists', column: 'k' }, { type: 'column_max_missing', column: 'c', maxMissing: 0.1 }] };
    await kiln.monitors.create({ name: 'suited', endpoint: 'bad', checks: ['data_quality'], suite });
    const off = kiln.monitors.onRun(async () => {
      throw new Error('listener down');
    });
    const run = await kiln.monitors.run('suited', { at: T0 });
    off();
    expect(run.points.find((p) => p.metric === 'expectations_evaluated')?.value).toBe(3);
    expect(run.points.find((p) => p.metric === 'expectations_failed')?.value).toBe(2);
    expect(run.notes.filter((n) => n.startsWith('data_quality: expectation')).length).toBe(2);
    expect((await kiln.monitors.getRun(run.runId)).status).toBe('ok');
  });

  it('an empty window is a stored `empty` run with no points, stated', async () => {
    const run = await kiln.monitors.run('awkward', { at: T0 - 5 * 3_600_000 });
    expect(run.status).toBe('empty');
    expect(run.points).toEqual([]);
    expect(run.notes[0]).toMatch(/held no captured rows/);
    expect((await kiln.monitors.recentRuns('awkward', 1))[0].runId).toBe(run.runId);
  });

  it('ignores labels for unknown prediction ids and scores only known ones after the label delay', async () => {
    const res = await kiln.feedback.record('bad', [{ predictionId: 'q5', label: 'yes' }, { predictionId: 'q6', label: 'no' }, { predictionId: 'nope', label: 'yes' }], { actor: 'test' });
    expect(res.unknown).toEqual([{ index: 2, predictionId: 'nope' }]);
    await kiln.monitors.create({ name: 'late-labels', endpoint: 'bad', checks: ['performance'], window: '30m', labelDelay: '15m' });
    // 5 minutes after the traffic its labels are not due yet: the scored window (shifted back 15m) holds none of it.
    const run = await kiln.monitors.run('late-labels', { at: T0 - 5 * 60_000 });
    expect(run.points.find((p) => p.metric === 'labeled_rows')?.value).toBe(0);
    expect(run.points.some((p) => p.metric === 'accuracy')).toBe(false);
    const later = await kiln.monitors.run('late-labels', { at: T0 + 10 * 60_000 });
    expect(later.points.find((p) => p.metric === 'labeled_rows')?.value).toBe(2);
    expect(later.points.find((p) => p.metric === 'accuracy')?.value).toBe(1);
    expect(later.notes.join('\n')).toMatch(/label delay 15m/);
  });

  it('a run with a failing check states why, and the other checks still report', async () => {
    await kiln.monitors.create({ name: 'half', endpoint: 'bad', checks: ['drift', 'operational'], tests: { x: 'ks' } });
    const run = await kiln.monitors.run('half', { at: T0 });
    expect(run.notes.join('\n')).toMatch(/drift: failed: drift test "ks" for column "x" cannot compare binned counts/);
    expect(run.points.some((p) => p.check === 'operational')).toBe(true);
    expect(run.status).toBe('ok');
  });
});

describe('bad monitor specs', () => {
  const refuse = async (input: Record<string, unknown>, type: typeof UsageError | typeof NotFoundError, message: RegExp): Promise<void> => {
    const err = await kiln.monitors.create({ name: 'x1', endpoint: 'bad', ...input } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(message);
  };
  it.each([
    [{ schedule: '*/15 * * *' }, UsageError, /has 4 fields/],
    [{ schedule: '*/15 25 * * *' }, UsageError, /field 2 \(hour\)/],
    [{ checks: ['drift', 'vibes'] }, UsageError, /unknown check "vibes"/],
    [{ conceptDetector: 'vibes' }, UsageError, /unknown concept detector "vibes"/],
    [{ estimateReference: '100d' }, UsageError, /estimateReference must be more than 0 up to 90d/],
    [{ window: '0h' }, UsageError, /window must be more than 0/],
    [{ window: 'an hour' }, UsageError, /window must be a duration/],
    [{ labelDelay: '-1h' }, UsageError, /labelDelay must be a duration/],
    [{ thresholds: { drift_share: 2 } }, UsageError, /drift_share must be from 0 to 1/],
    [{ thresholds: { x: Number.NaN } }, UsageError, /threshold x must be a finite number/],
    [{ tests: { x: 'vibes' } }, UsageError, /unknown drift test "vibes"/],
    [{ baseline: 'Bad Name' }, UsageError, /baseline must be a baseline NAME/],
    [{ baseline: 'nothing-here' }, NotFoundError, /baseline "nothing-here" not found/],
    [{ endpoint: 'nowhere' }, NotFoundError, /endpoint "nowhere" not found/],
    [{ name: '../x' }, UsageError, /name must be/],
  ])('refuses %j', async (input, type, message) => {
    await refuse(input, type, message);
    expect((await kiln.monitors.list()).items.map((m) => m.name)).not.toContain('x1');
  });

  it('refuses a second monitor of the same name, and unknown monitors', async () => {
    await expect(kiln.monitors.create({ name: 'awkward', endpoint: 'bad' })).rejects.toThrow(/already exists/);
    await expect(kiln.monitors.run('ghost')).rejects.toBeInstanceOf(NotFoundError);
    await expect(kiln.monitors.delete('ghost')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses baselines from no source, two sources, or an empty capture window', async () => {
    await expect(kiln.monitors.baselines.create({ name: 'b0' })).rejects.toThrow(/exactly one of model, dataset or capture \(got none\)/);
    await expect(kiln.monitors.baselines.create({ name: 'b0', model: 'x', dataset: 'y@1' })).rejects.toThrow(/got model and dataset/);
    await expect(kiln.monitors.baselines.create({ name: 'b0', capture: { endpoint: 'bad', from: T0 - 9e6, to: T0 - 8e6 } })).rejects.toThrow(/captured no rows/);
  });
});
