/**
 * What a monitor report is built from, and its machine-readable form (`monitorReportJson`): the monitor's
 * run summaries turned into one time series per check x metric x column, the newest run, per-feature
 * histograms of baseline vs current for the overlays, and the alerts and actions timeline. The HTML
 * dashboard (`renderMonitorReportHtml`) renders exactly this document, so the two never disagree.
 */
import { InputError } from '../../core/errors.js';
import { CBPE_ASSUMPTION } from '../estimation/cbpe.js';
import type { MonitorCheck, MonitorRunSummary } from '../monitor-run.js';

/** Baseline and current shares of one feature over shared bins (as a drift report's `distribution`). */
export interface FeatureHistogram {
  readonly column: string;
  readonly kind?: 'numeric' | 'categorical' | 'text';
  /** Bin or category labels. */
  readonly labels: readonly string[];
  /** Shares of the baseline per bin (same length as labels). */
  readonly reference: readonly number[];
  /** Shares of the current window per bin. */
  readonly current: readonly number[];
  /** The test that judged the column, its statistic and verdict, when known. */
  readonly test?: string;
  readonly statistic?: number;
  readonly drifted?: boolean;
}

/** An alert that fired or an action that ran, placed on the report's timeline. */
export interface MonitorTimelineEvent {
  /** ISO 8601. */
  readonly at: string;
  readonly kind: 'alert' | 'action';
  readonly title: string;
  readonly detail: string;
}

/** Everything `renderMonitorReportHtml` and `monitorReportJson` read. */
export interface MonitorReportInput {
  readonly monitor: string;
  readonly endpoint?: string;
  readonly project?: string;
  /** Runs of this monitor, any order (the report sorts them by `at`). */
  readonly runs: readonly MonitorRunSummary[];
  /** Baseline vs newest-window distributions per feature, for the overlays. */
  readonly histograms?: readonly FeatureHistogram[];
  readonly timeline?: readonly MonitorTimelineEvent[];
  /** ISO 8601 time the report was made (default: now). */
  readonly generatedAt?: string;
  readonly title?: string;
}

/** One point of a series. */
export interface SeriesPoint {
  readonly at: string;
  readonly runId: string;
  readonly value: number;
  readonly drifted?: boolean;
}

/** One statistic of one check (and column) over time. */
export interface MonitorSeries {
  readonly check: MonitorCheck;
  readonly metric: string;
  readonly column: string | null;
  readonly points: readonly SeriesPoint[];
}

/** The machine-readable report (`kiln monitor report NAME --json`). */
export interface MonitorReportJson {
  readonly reportVersion: 1;
  readonly monitor: string;
  readonly endpoint: string | null;
  readonly project: string | null;
  readonly generatedAt: string;
  readonly runs: { readonly total: number; readonly ok: number; readonly empty: number; readonly failed: number; readonly first: string | null; readonly last: string | null };
  readonly latest: MonitorRunSummary | null;
  readonly series: readonly MonitorSeries[];
  readonly histograms: readonly FeatureHistogram[];
  readonly timeline: readonly MonitorTimelineEvent[];
  /** Assumptions behind values in the report (CBPE's when it holds estimates). */
  readonly assumptions: readonly string[];
}

const CHECK_ORDER: readonly MonitorCheck[] = ['drift', 'quality', 'performance', 'estimate', 'concept', 'data_quality', 'operational'];

function instant(value: string, field: string, where: string): number {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(t)) throw new InputError(`monitor report: ${where} has ${field} '${String(value)}', not an ISO 8601 time`, { field });
  return t;
}

function checkHistogram(h: FeatureHistogram, i: number): void {
  const where = `histogram ${i} ('${String(h.column)}')`;
  if (typeof h.column !== 'string' || h.column === '') throw new InputError(`monitor report: histogram ${i} has no column name`, { field: 'histograms' });
  if (h.reference.length !== h.labels.length || h.current.length !== h.labels.length) {
    throw new InputError(`monitor report: ${where} has ${h.labels.length} labels but ${h.reference.length} reference and ${h.current.length} current shares`, { field: 'histograms', column: h.column });
  }
  for (const v of [...h.reference, ...h.current]) {
    if (!(Number.isFinite(v) && v >= 0)) throw new InputError(`monitor report: ${where} holds the share ${v}; shares are finite and >= 0`, { field: 'histograms', column: h.column });
  }
}

/** Runs sorted by time, validated (times parse, values finite). */
export function sortedRuns(input: MonitorReportInput): MonitorRunSummary[] {
  const runs = input.runs.map((r, i) => {
    const where = `run ${i} (${String(r.runId)})`;
    if (typeof r.runId !== 'string' || r.runId === '') throw new InputError(`monitor report: run ${i} has no runId`, { field: 'runs', row: i });
    instant(r.at, 'at', where);
    instant(r.windowStart, 'windowStart', where);
    instant(r.windowEnd, 'windowEnd', where);
    if (r.status !== 'ok' && r.status !== 'empty' && r.status !== 'failed') {
      throw new InputError(`monitor report: ${where} has status '${String(r.status)}'; use ok, empty or failed`, { field: 'runs', row: i });
    }
    r.points.forEach((p, j) => {
      if (!Number.isFinite(p.value)) {
        throw new InputError(`monitor report: run ${r.runId} point ${j} (${p.check} ${p.metric}${p.column ? `(${p.column})` : ''}) is ${p.value}; monitor results are finite`, { field: 'runs', row: j });
      }
    });
    return r;
  });
  return runs.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
}

/** One series per check x metric x column, in check order, then metric, then column (monitor-wide first). */
export function monitorSeries(runs: readonly MonitorRunSummary[]): MonitorSeries[] {
  const byKey = new Map<string, { check: MonitorCheck; metric: string; column: string | null; points: SeriesPoint[] }>();
  for (const r of runs) {
    for (const p of r.points) {
      const key = JSON.stringify([p.check, p.metric, p.column]);
      let s = byKey.get(key);
      if (!s) byKey.set(key, (s = { check: p.check, metric: p.metric, column: p.column, points: [] }));
      s.points.push({ at: r.at, runId: r.runId, value: p.value, ...(p.drifted === undefined ? {} : { drifted: p.drifted }) });
    }
  }
  const rank = (c: MonitorCheck): number => {
    const i = CHECK_ORDER.indexOf(c);
    return i < 0 ? CHECK_ORDER.length : i;
  };
  return [...byKey.values()].sort(
    (a, b) => rank(a.check) - rank(b.check) || cmp(a.metric, b.metric) || (a.column === null ? -1 : b.column === null ? 1 : cmp(a.column, b.column)),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The report as JSON for machines: validated input, series per statistic, latest run, histograms, timeline. */
export function monitorReportJson(input: MonitorReportInput): MonitorReportJson {
  if (typeof input.monitor !== 'string' || input.monitor === '') throw new InputError('monitor report: the monitor name is missing', { field: 'monitor' });
  const runs = sortedRuns(input);
  const histograms = input.histograms ?? [];
  histograms.forEach(checkHistogram);
  const timeline = (input.timeline ?? []).map((e, i) => {
    instant(e.at, 'at', `timeline event ${i}`);
    if (e.kind !== 'alert' && e.kind !== 'action') throw new InputError(`monitor report: timeline event ${i} has kind '${String(e.kind)}'; use alert or action`, { field: 'timeline', row: i });
    return e;
  });
  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const generatedAt = input.generatedAt ?? new Date().toISOString();
  instant(generatedAt, 'generatedAt', 'the report');
  const series = monitorSeries(runs);
  const count = (s: MonitorRunSummary['status']): number => runs.filter((r) => r.status === s).length;
  return {
    reportVersion: 1,
    monitor: input.monitor,
    endpoint: input.endpoint ?? null,
    project: input.project ?? null,
    generatedAt,
    runs: { total: runs.length, ok: count('ok'), empty: count('empty'), failed: count('failed'), first: runs[0]?.at ?? null, last: runs.at(-1)?.at ?? null },
    latest: runs.at(-1) ?? null,
    series,
    histograms,
    timeline,
    assumptions: series.some((s) => s.check === 'estimate') ? [CBPE_ASSUMPTION] : [],
  };
}

/** The overlays of a drift report's columns (its `distribution`s), ready for `MonitorReportInput.histograms`. */
export function histogramsFromDriftReport(report: {
  readonly columns: readonly { readonly column: string; readonly kind: 'numeric' | 'categorical' | 'text'; readonly test: string; readonly statistic: number; readonly pValue: number | null; readonly drifted: boolean; readonly distribution: { readonly labels: readonly string[]; readonly reference: readonly number[]; readonly current: readonly number[] } }[];
}): FeatureHistogram[] {
  return report.columns.map((c) => ({
    column: c.column,
    kind: c.kind,
    labels: c.distribution.labels,
    reference: c.distribution.reference,
    current: c.distribution.current,
    test: c.test,
    statistic: c.pValue ?? c.statistic,
    drifted: c.drifted,
  }));
}
