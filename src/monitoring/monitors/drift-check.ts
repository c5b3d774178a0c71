/**
 * The `drift` check: every input column, the prediction score (`__prediction__`) and the label
 * (`__label__`, from feedback) of the window against the baseline. With a baseline that kept reference rows
 * (dataset and capture baselines) the existing drift report runs its default test per column (Evidently's
 * choice, or the monitor's per-column override); against a model bundle's training statistics, which keep
 * only histograms and top-100 frequencies, the window is binned on the baseline's edges (plus an
 * under/over bin) or categories (plus `__other__`) and a binned test compares the counts (Jensen-Shannon by
 * default). Points: per column `<test>` (the statistic, with `drifted`) and `<test>_p_value` when the test
 * has one; monitor-wide `drift_share` and `drifted_columns` over input columns only.
 */
import { UsageError } from '../../core/errors.js';
import type { Column } from '../../core/frame.js';
import { Frame, cellValue, isMissing } from '../../core/frame.js';
import type { MonitorResultPoint } from '../monitor-run.js';
import type { BaselineColumn, BaselineDocument } from '../baselines/baseline-document.js';
import { LABEL_COLUMN, PREDICTION_COLUMN } from '../baselines/baseline-document.js';
import { driftReport } from '../drift/drift-report.js';
import { DRIFT_TESTS } from '../drift/drift-tests.js';

/** Per-column overrides and the dataset-level share. */
export interface DriftSettings {
  readonly tests: Readonly<Record<string, string>>;
  readonly thresholds: Readonly<Record<string, number>>;
  readonly datasetDriftShare: number;
}

/** One column's verdict. */
interface ColumnVerdict {
  readonly column: string;
  readonly test: string;
  readonly statistic: number;
  readonly pValue: number | null;
  readonly drifted: boolean;
}

/** What the check produced. */
export interface CheckOutput {
  readonly points: MonitorResultPoint[];
  readonly notes: string[];
}

const BINNED_DEFAULT = 'jensenshannon';
const OTHER = '__other__';
const RESERVED = new Set([PREDICTION_COLUMN, LABEL_COLUMN]);

/** Drift of `current` (inputs, score, label) against a baseline with reference rows or with statistics only. */
export async function driftCheck(current: Frame, baseline: BaselineDocument, reference: Frame | null, settings: DriftSettings): Promise<CheckOutput> {
  const notes: string[] = [];
  const verdicts = reference ? await sampleDrift(reference, current, settings, notes) : binnedDrift(baseline, current, settings, notes);
  const points: MonitorResultPoint[] = [];
  for (const v of verdicts) {
    if (!Number.isFinite(v.statistic)) {
      notes.push(`drift: ${v.test} for column "${v.column}" is not a finite number; left out`);
      continue;
    }
    points.push({ check: 'drift', metric: v.test, column: v.column, value: v.statistic, drifted: v.drifted });
    if (v.pValue !== null && Number.isFinite(v.pValue)) points.push({ check: 'drift', metric: `${v.test}_p_value`, column: v.column, value: v.pValue, drifted: v.drifted });
  }
  const features = verdicts.filter((v) => !RESERVED.has(v.column) && Number.isFinite(v.statistic));
  if (features.length > 0) {
    const drifted = features.filter((v) => v.drifted).length;
    const share = drifted / features.length;
    points.push({ check: 'drift', metric: 'drift_share', column: null, value: share, drifted: share >= settings.datasetDriftShare });
    points.push({ check: 'drift', metric: 'drifted_columns', column: null, value: drifted });
  } else notes.push('drift: no input column could be compared with the baseline, so there is no drift_share');
  return { points, notes };
}

async function sampleDrift(reference: Frame, current: Frame, settings: DriftSettings, notes: string[]): Promise<ColumnVerdict[]> {
  const report = await driftReport([reference], [current], { tests: settings.tests, thresholds: settings.thresholds, datasetDriftShare: settings.datasetDriftShare, chartBins: 1 });
  for (const s of report.skipped) notes.push(`drift: column "${s.column}" skipped: ${s.reason === 'not in the current data' ? 'in the baseline but not in the captured data' : s.reason === 'not in the reference data' ? 'in the captured data but not in the baseline' : s.reason}`);
  return report.columns.map((c) => ({ column: c.column, test: c.test, statistic: c.statistic, pValue: c.pValue, drifted: c.drifted }));
}

function binnedDrift(baseline: BaselineDocument, current: Frame, settings: DriftSettings, notes: string[]): ColumnVerdict[] {
  const out: ColumnVerdict[] = [];
  const known = new Set(baseline.columns.map((c) => c.name));
  for (const name of current.names) if (!known.has(name)) notes.push(`drift: column "${name}" skipped: in the captured data but not in the baseline`);
  for (const b of baseline.columns) {
    const col = current.tryColumn(b.name);
    if (!col) {
      notes.push(`drift: column "${b.name}" skipped: in the baseline but not in the captured data`);
      continue;
    }
    const counts = b.kind === 'numeric' && b.histogram && b.histogram.edges.length >= 2 ? numericBins(b, col) : b.frequencies ? categoryBins(b, col) : null;
    if (!counts) {
      notes.push(`drift: column "${b.name}" skipped: the baseline has no histogram or frequencies for it (all values missing in training?)`);
      continue;
    }
    const [ref, cur] = counts;
    if (sum(ref) === 0 || sum(cur) === 0) {
      notes.push(`drift: column "${b.name}" skipped: all values are missing in the ${sum(ref) === 0 ? 'baseline' : 'captured data'}`);
      continue;
    }
    const testName = settings.tests[b.name] ?? BINNED_DEFAULT;
    const test = DRIFT_TESTS[testName];
    if (!test || !test.appliesTo.includes('categorical')) throw new UsageError(`drift test "${testName}" for column "${b.name}" cannot compare binned counts (a model baseline keeps histograms only)`, { field: 'tests', column: b.name }, 'Use jensenshannon, psi, hellinger, kl_div, chisquare or z, or a dataset baseline.');
    const outcome = test.run({ kind: 'categorical', counts: ref }, { kind: 'categorical', counts: cur });
    const threshold = settings.thresholds[b.name] ?? test.defaultThreshold;
    const drifted = test.kind === 'p_value' ? (outcome.pValue ?? 1) < threshold : outcome.statistic >= threshold;
    out.push({ column: b.name, test: testName, statistic: outcome.statistic, pValue: outcome.pValue, drifted });
  }
  return out;
}

function sum(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/** Reference and current counts over the baseline's bins plus an under and an over bin. */
export function numericBins(b: BaselineColumn, col: Column): [Float64Array, Float64Array] {
  const edges = b.histogram?.edges ?? [];
  const bins = edges.length - 1;
  const ref = new Float64Array(bins + 2);
  (b.histogram?.counts ?? []).forEach((c, k) => (ref[k + 1] = c));
  const cur = new Float64Array(bins + 2);
  const lo = edges[0];
  const hi = edges[bins];
  const n = col.type === 'categorical' ? col.codes.length : col.values.length;
  for (let i = 0; i < n; i++) {
    if (isMissing(col, i)) continue;
    const x = Number(cellValue(col, i));
    if (!Number.isFinite(x)) continue;
    if (x < lo) cur[0]++;
    else if (x > hi) cur[bins + 1]++;
    else if (hi === lo) cur[1]++;
    else cur[1 + Math.min(bins - 1, Math.floor(((x - lo) / (hi - lo)) * bins))]++;
  }
  return [ref, cur];
}

/** Reference and current counts over the baseline's categories plus `__other__` (values beyond its top 100). */
export function categoryBins(b: BaselineColumn, col: Column): [Float64Array, Float64Array] {
  const freq = b.frequencies ?? {};
  const labels = [...Object.keys(freq), OTHER];
  const index = new Map(labels.map((l, i) => [l, i]));
  const ref = Float64Array.from(labels, (l) => (l === OTHER ? Math.max(0, b.count - Object.values(freq).reduce((a, c) => a + c, 0)) : freq[l]));
  const cur = new Float64Array(labels.length);
  const n = col.type === 'categorical' ? col.codes.length : col.values.length;
  for (let i = 0; i < n; i++) {
    if (isMissing(col, i)) continue;
    const v = cellValue(col, i);
    const key = typeof v === 'boolean' ? String(v) : String(v);
    cur[index.get(key) ?? labels.length - 1]++;
  }
  if (ref[labels.length - 1] === 0 && cur[labels.length - 1] === 0) return [ref.subarray(0, labels.length - 1), cur.subarray(0, labels.length - 1)];
  return [ref, cur];
}

/** `frame` with its `from` column renamed `to` (for the target and the score in reference rows). */
export function renamed(frame: Frame, from: string, to: string): Frame {
  if (!frame.has(from) || frame.has(to)) return frame;
  return new Frame(
    frame.columns.map((c) => (c.name === from ? { ...c, name: to } : c)),
    frame.rowCount,
  );
}
