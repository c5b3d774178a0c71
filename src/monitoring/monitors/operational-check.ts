/**
 * The `operational` check, from what serving records: `request_count` (every prediction of the window, captured
 * or not, from the prediction-id index) and `requests_per_minute`; `captured_rows`; latency `p50_ms`,
 * `p90_ms`, `p99_ms`, `mean_ms`, `max_ms` of the captured rows (percentiles interpolated linearly between order
 * statistics, as NumPy's default). Without the index count, `estimated_requests` = captured rows / sample rate. Failed requests are not captured (only answered predictions are),
 * so `error_rate` is not computed here; the run's notes say so.
 */
import { sortFloat64 } from '../../core/stats/radix-sort.js';
import type { MonitorResultPoint } from '../monitor-run.js';
import type { CheckOutput } from './drift-check.js';

/** Linear-interpolated quantile of ascending `sorted` (q in [0, 1]). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Operational metrics of a window of `windowMs` (`requests`: predictions indexed in it; `sampleRate`: the share captured). */
export function operationalCheck(rows: number, latencyMs: Float64Array, windowMs: number, sampleRate: number | null, requests: number | null = null): CheckOutput {
  const points: MonitorResultPoint[] = [];
  const notes: string[] = ['operational: failed requests are not captured, so error_rate is not computed (see the server\'s Prometheus metrics)'];
  const add = (metric: string, value: number): void => void points.push({ check: 'operational', metric, column: null, value });
  add('captured_rows', rows);
  if (requests !== null) {
    add('request_count', requests);
    add('requests_per_minute', requests / (windowMs / 60_000));
    if (requests > rows) notes.push(`operational: latency percentiles come from the ${rows} captured of ${requests} predictions`);
  } else if (sampleRate !== null && sampleRate > 0) {
    const estimated = rows / sampleRate;
    add('estimated_requests', estimated);
    add('requests_per_minute', estimated / (windowMs / 60_000));
    if (sampleRate < 1) notes.push(`operational: the endpoint captures ${sampleRate * 100}% of requests; request counts are estimates (captured rows / rate)`);
  } else notes.push('operational: the endpoint\'s capture sample rate is unknown or 0 now; request counts are captured rows only');
  const finite = latencyMs.filter((x) => Number.isFinite(x));
  if (finite.length === 0) {
    notes.push('operational: no latency was recorded in the window');
    return { points, notes };
  }
  const sorted = sortFloat64(Float64Array.from(finite));
  let sum = 0;
  for (const x of sorted) sum += x;
  add('p50_ms', quantileSorted(sorted, 0.5));
  add('p90_ms', quantileSorted(sorted, 0.9));
  add('p99_ms', quantileSorted(sorted, 0.99));
  add('mean_ms', sum / sorted.length);
  add('max_ms', sorted[sorted.length - 1]);
  return { points, notes };
}
