/**
 * End to end, in process: a model trained on the first 3,000 rows of the Telco churn fixture is served by an
 * endpoint (scored by the runtime scorer the server uses, captured by the capture buffer the server uses);
 * traffic from held-out rows arrives with `tenure` shifted and then labels whose relationship to the inputs
 * is degraded (a third flipped). The monitor sees the data drift at once, states that quality waits for
 * labels, and reports the accuracy drop once the labels arrive; runs reach listeners and the time series.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import type { Kiln } from '../../kiln.js';
import { openKiln } from '../../kiln.js';
import { createScorer } from '../../runtime/scorer.js';
import type { MonitorRunSummary } from '../monitor-run.js';
import { toOutput } from '../../serving/loaded-model.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/telco-churn.csv', import.meta.url));
const COLUMNS = ['SeniorCitizen', 'tenure', 'Contract', 'InternetService', 'PaymentMethod', 'MonthlyCharges', 'Churn'];

let kiln: Kiln;
let home: string;
let modelRef: string;
let rows: Record<string, string>[];
const seen: MonitorRunSummary[] = [];

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\n');
  const names = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-monitor-e2e-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  kiln.monitors.onRun(async (run) => void seen.push(run));
  rows = parseCsv(await readFile(FIXTURE, 'utf8'));
  const train = join(home, 'train.csv');
  await writeFile(train, `${COLUMNS.join(',')}\n${rows.slice(0, 3000).map((r) => COLUMNS.map((c) => r[c]).join(',')).join('\n')}\n`);
  const trained = await kiln.training.train({ data: { file: train }, target: 'Churn', params: { numTrees: 30 }, seed: 1 });
  modelRef = `trained:${trained.model.id}`;
  await kiln.endpoints.create({ name: 'churn', model: modelRef, settings: { captureSampleRate: 1 } });
}, 120_000);
afterAll(async () => {
  await kiln?.close();
});

/** Score rows with the endpoint's model and capture them as the server does; returns the prediction ids. */
async function serve(instances: Record<string, unknown>[], receivedAt: number): Promise<string[]> {
  const scorer = createScorer(await (await kiln.servingModels.resolve(modelRef, 'default')).load());
  const buffer = await kiln.capture.createBuffer({ defaults: { sampleRate: 1 }, flushIntervalMs: 0 });
  const ids: string[] = [];
  for (let start = 0; start < instances.length; start += 100) {
    const batch = instances.slice(start, start + 100);
    const out = toOutput(scorer.predictRecords(batch));
    const predictionIds = batch.map((_, i) => `p-${receivedAt}-${start + i}`);
    ids.push(...predictionIds);
    const inputs = Object.fromEntries(COLUMNS.filter((c) => c !== 'Churn').map((c) => [c, batch.map((r) => r[c])]));
    buffer.offer({ project: 'default', endpoint: 'churn', variant: 'main', modelVersion: modelRef, predictionIds, inputs, predictions: out.predictions, probabilities: out.probabilities ?? [], labels: out.labels ?? [], latencyMs: 3 + (start % 7), receivedAt: receivedAt + start });
  }
  await buffer.close();
  return ids;
}

describe('a monitor on a drifting, degrading endpoint', () => {
  it('detects the data drift, then the quality drop once labels arrive', async () => {
    const now = Date.now();
    const heldOut = rows.slice(3000, 3800);
    const instances = heldOut.map((r) => ({ SeniorCitizen: Number(r.SeniorCitizen), tenure: Number(r.tenure) + 40, Contract: r.Contract, InternetService: r.InternetService, PaymentMethod: r.PaymentMethod, MonthlyCharges: Number(r.MonthlyCharges) }));
    const ids = await serve(instances, now - 30 * 60_000);
    await kiln.monitors.create({ name: 'churn-health', endpoint: 'churn', window: '1h', checks: ['drift', 'data_quality', 'quality', 'operational'] });
    // openKiln hands every run to the alert rules (kiln.alerts.onMonitorRun is a listener of kiln.monitors).
    await kiln.alerts.createRule({ name: 'tenure-shift', monitor: 'churn-health', rule: 'jensenshannon(tenure) > 0.3' });
    await kiln.alerts.createRule({ name: 'accuracy-drop', monitor: 'churn-health', rule: 'accuracy < 0.7' });

    const before = await kiln.monitors.run('churn-health', { at: now });
    expect(before.status).toBe('ok');
    const tenure = before.points.find((p) => p.check === 'drift' && p.column === 'tenure' && !p.metric.endsWith('_p_value'));
    expect(tenure?.drifted).toBe(true);
    const contract = before.points.find((p) => p.check === 'drift' && p.column === 'Contract');
    expect(contract?.drifted).toBe(false);
    const share = before.points.find((p) => p.metric === 'drift_share');
    expect(share?.value).toBeGreaterThan(0);
    expect(before.points.find((p) => p.metric === 'range_violation_rate' && p.column === 'tenure')?.value).toBeGreaterThan(0.3);
    expect(before.points.find((p) => p.metric === 'labeled_rows')?.value).toBe(0);
    expect(before.notes.join('\n')).toMatch(/no feedback labels yet/);
    expect(before.points.find((p) => p.metric === 'captured_rows')?.value).toBe(800);
    expect(before.points.find((p) => p.metric === 'request_count')?.value).toBe(800);
    expect(before.points.some((p) => p.check === 'quality' && p.metric === 'accuracy')).toBe(false);

    // Labels arrive late, and a third of them contradict the inputs (a degraded relationship).
    const rng = new Rng(7);
    const labels = heldOut.map((r, i) => ({ predictionId: ids[i], label: rng.next() < 1 / 3 ? (r.Churn === 'Yes' ? 'No' : 'Yes') : r.Churn }));
    const recorded = await kiln.feedback.record('churn', [...labels, { predictionId: 'never-served', label: 'Yes' }], { actor: 'test' });
    expect(recorded.unknown.map((u) => u.predictionId)).toEqual(['never-served']);

    const after = await kiln.monitors.run('churn-health', { at: now });
    const accuracy = after.points.find((p) => p.check === 'quality' && p.metric === 'accuracy')?.value ?? Number.NaN;
    const trainedAccuracy = (await kiln.servingModels.resolve(modelRef, 'default').then(async (m) => JSON.parse(await m.load()) as { metadata: { metrics: Record<string, number> } })).metadata.metrics.accuracy;
    expect(after.points.find((p) => p.metric === 'labeled_rows')?.value).toBe(800);
    expect(accuracy).toBeLessThan(trainedAccuracy - 0.15);
    expect(after.points.find((p) => p.check === 'quality' && p.metric === 'auc')?.value).toBeLessThan(0.75);

    expect(seen.map((r) => r.runId)).toEqual([before.runId, after.runId]);
    const fired = (await kiln.alerts.listAlerts()).items;
    expect(fired.map((a) => [a.rule, a.runId]).sort()).toEqual([
      ['accuracy-drop', after.runId],
      ['tenure-shift', before.runId],
    ]);
    const history = await kiln.monitors.recentRuns('churn-health', 5);
    expect(history.map((r) => r.runId)).toEqual([after.runId, before.runId]);
    const series = await kiln.monitors.results({ monitor: 'churn-health', metric: 'drift_share' });
    expect(series).toHaveLength(2);
  }, 120_000);

  it('compares with a capture baseline exactly (per-column tests) and checks label drift from feedback', async () => {
    const now = Date.now();
    const normal = rows.slice(3800, 4400);
    const ids = await serve(normal.map((r) => ({ SeniorCitizen: Number(r.SeniorCitizen), tenure: Number(r.tenure), Contract: r.Contract, InternetService: r.InternetService, PaymentMethod: r.PaymentMethod, MonthlyCharges: Number(r.MonthlyCharges) })), now - 3 * 3_600_000);
    await kiln.feedback.record('churn', normal.map((r, i) => ({ predictionId: ids[i], label: r.Churn })), { actor: 'test' });
    const baseline = await kiln.monitors.baselines.create({ name: 'last-week', capture: { endpoint: 'churn', from: now - 4 * 3_600_000, to: now - 2 * 3_600_000 } });
    expect(baseline).toMatchObject({ sourceKind: 'capture', rows: 600, version: 1 });
    expect(baseline.sampleHash).not.toBeNull();
    expect(baseline.columns).toEqual(expect.arrayContaining(['tenure', '__prediction__', '__label__']));
    await kiln.monitors.create({ name: 'churn-vs-week', endpoint: 'churn', baseline: 'last-week', window: '1h', checks: ['drift'] });
    const run = await kiln.monitors.run('churn-vs-week', { at: now });
    const tenure = run.points.filter((p) => p.column === 'tenure' && p.metric !== 'mean_abs_shap');
    expect(tenure.map((p) => p.metric)).toEqual(['ks', 'ks_p_value']);
    expect(tenure[1].value).toBeLessThan(1e-6);
    expect(tenure.every((p) => p.drifted === true)).toBe(true);
    expect(run.points.some((p) => p.column === '__label__')).toBe(true);
    expect(run.notes.join('\n')).not.toMatch(/label drift needs/);
    // Attribution drift (TreeSHAP on both sides): the shifted tenure changes how much each input matters.
    const ndcg = run.points.find((p) => p.metric === 'attribution_ndcg');
    expect(ndcg?.value).toBeGreaterThan(0);
    expect(ndcg?.value).toBeLessThanOrEqual(1);
    expect(run.points.find((p) => p.metric === 'mean_abs_shap' && p.column === 'tenure')?.value).toBeGreaterThan(0);
    expect(run.points.find((p) => p.metric === 'attribution_distance')?.value).toBeGreaterThan(0);
  }, 120_000);

  it('estimates performance before labels (CBPE) and watches the error stream for concept drift', async () => {
    const now = Date.now();
    // Calibrated on the labelled normal traffic 3h ago; the shifted window of the first test is estimated.
    await kiln.monitors.create({ name: 'churn-estimate', endpoint: 'churn', window: '1h', checks: ['estimate'] });
    const est = await kiln.monitors.run('churn-estimate', { at: now });
    const accuracy = est.points.find((p) => p.metric === 'estimated_accuracy')?.value ?? Number.NaN;
    expect(accuracy).toBeGreaterThan(0.5);
    expect(accuracy).toBeLessThan(1);
    expect(est.points.find((p) => p.metric === 'estimated_auc')?.value).toBeGreaterThan(0.5);
    expect(est.points.find((p) => p.metric === 'estimate_reference_rows')?.value).toBe(600);
    expect(est.notes.join('\n')).toMatch(/assumed to stay calibrated/);

    // Four hours hold the normal traffic (right labels) and then the degraded one: the error rate jumps.
    await kiln.monitors.create({ name: 'churn-concept', endpoint: 'churn', window: '4h', checks: ['concept'], conceptDetector: 'adwin' });
    const concept = await kiln.monitors.run('churn-concept', { at: now });
    expect(concept.points.find((p) => p.metric === 'error_stream_rows')?.value).toBe(1400);
    expect(concept.points.find((p) => p.metric === 'concept_drift')).toMatchObject({ value: 1, drifted: true });
    expect(concept.notes.join('\n')).toMatch(/adwin signalled drift at labelled prediction \d+ of 1400/);
    // With no labelled traffic before its window, estimation says so instead of guessing.
    await kiln.monitors.create({ name: 'churn-early', endpoint: 'churn', window: '4h', checks: ['estimate'], estimateReference: '1h' });
    const early = await kiln.monitors.run('churn-early', { at: now });
    expect(early.points).toEqual([]);
    expect(early.notes.join('\n')).toMatch(/hold 0 labelled predictions/);
  }, 120_000);
});
