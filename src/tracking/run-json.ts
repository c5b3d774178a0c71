/**
 * The wire shapes of runs for `--json` and the HTTP API. JSON has no NaN or Infinity, so non-finite
 * metric values travel as the strings "NaN", "Infinity" and "-Infinity" (documented in docs/tracking.md).
 */
import type { RunSummary } from '../store/run-repository.js';
import type { RunComparison, RunView } from './tracking-service.js';

/** A metric value as JSON: the number, or "NaN" / "Infinity" / "-Infinity". */
export type JsonMetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** A number as JSON, keeping non-finite values as strings. */
export function jsonMetricValue(v: number): JsonMetricValue {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

function metricsJson(metrics: Record<string, number>): Record<string, JsonMetricValue> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, jsonMetricValue(v)]));
}

/** One run of `kiln runs list --json` / `GET /v1/runs`. */
export function runSummaryJson(r: RunSummary) {
  return {
    id: r.id,
    experiment: r.experiment,
    experimentId: r.experimentId,
    name: r.name,
    status: r.status,
    parentId: r.parentId,
    params: r.params,
    metrics: metricsJson(r.metrics),
    tags: r.tags,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    createdBy: r.createdBy,
  };
}

/** One run in full, with its metric series. */
export function runViewJson(r: RunView) {
  return {
    ...runSummaryJson(r),
    system: r.system,
    artifacts: r.artifacts,
    inputs: r.inputs,
    outputs: r.outputs,
    series: Object.fromEntries(Object.entries(r.series).map(([k, pts]) => [k, pts.map((p) => ({ step: p.step, value: jsonMetricValue(p.value), timestamp: p.timestamp }))])),
  };
}

/** A comparison: runs (without series), then params and metrics side by side in the runs' order. */
export function comparisonJson(c: RunComparison) {
  return {
    runs: c.runs.map((r) => ({ ...runSummaryJson(r), system: r.system })),
    params: c.params,
    metrics: c.metrics.map((m) => ({ key: m.key, values: m.values.map((v) => (v === null ? null : jsonMetricValue(v))), differs: m.differs })),
  };
}
