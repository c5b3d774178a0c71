/**
 * The `operational` check, from what serving records. With the request outcome counters of the window
 * (`metadata.requestStats`, every serving process's minutes summed; buckets that start in the window):
 * `request_count` (HTTP requests that reached the endpoint, answered or not), `requests_per_minute`,
 * `server_errors` (5xx: the model threw, unavailable), `client_errors` (4xx: bad input), `error_rate`
 * (server_errors / request_count), `client_error_rate` (client_errors / request_count) and `prediction_count`
 * (instances indexed). Without counters (traffic served before migration 17, or a server that does not count),
 * today's view: `request_count` is the predictions of the prediction-id index, and no error rate (noted). Always:
 * `captured_rows`; latency `p50_ms`, `p90_ms`, `p99_ms`, `mean_ms`, `max_ms` of the captured rows (percentiles
 * interpolated linearly between order statistics, as NumPy's default). Without any count, `estimated_requests` =
 * captured rows / sample rate.
 */
import { sortFloat64 } from '../../core/stats/radix-sort.js';
import type { RequestStatsBucket } from '../../store/endpoint-request-stats-repository.js';
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

/** Request outcome counters of a window, summed over buckets, variants and serving processes. */
export interface RequestTotals {
  readonly answered: number;
  readonly clientErrors: number;
  readonly serverErrors: number;
  /** The most serving processes that wrote one bucket of one variant. */
  readonly writers: number;
  /** Per variant: [variant, requests, server errors] when more than one variant counted. */
  readonly variants: readonly (readonly [string, number, number])[];
}

/** Sums counter buckets; null when there are none. */
export function requestTotals(buckets: readonly RequestStatsBucket[]): RequestTotals | null {
  if (buckets.length === 0) return null;
  let answered = 0;
  let clientErrors = 0;
  let serverErrors = 0;
  let writers = 0;
  const byVariant = new Map<string, [number, number]>();
  for (const b of buckets) {
    answered += b.answered;
    clientErrors += b.clientErrors;
    serverErrors += b.serverErrors;
    writers = Math.max(writers, b.writers);
    const v = byVariant.get(b.variant) ?? [0, 0];
    v[0] += b.answered + b.clientErrors + b.serverErrors;
    v[1] += b.serverErrors;
    byVariant.set(b.variant, v);
  }
  const variants = byVariant.size > 1 ? [...byVariant].map(([name, [n, e]]) => [name, n, e] as const) : [];
  return { answered, clientErrors, serverErrors, writers, variants };
}

/**
 * Operational metrics of a window of `windowMs` (`requests`: predictions indexed in it; `sampleRate`: the share
 * captured; `totals`: the request outcome counters, null when serving counted none).
 */
export function operationalCheck(rows: number, latencyMs: Float64Array, windowMs: number, sampleRate: number | null, requests: number | null = null, totals: RequestTotals | null = null): CheckOutput {
  const points: MonitorResultPoint[] = [];
  const notes: string[] = [];
  const add = (metric: string, value: number): void => void points.push({ check: 'operational', metric, column: null, value });
  const perMinute = (n: number): number => n / (windowMs / 60_000);
  add('captured_rows', rows);
  const counted = totals === null ? 0 : totals.answered + totals.clientErrors + totals.serverErrors;
  if (totals !== null && counted > 0) {
    add('request_count', counted);
    add('requests_per_minute', perMinute(counted));
    add('server_errors', totals.serverErrors);
    add('client_errors', totals.clientErrors);
    add('error_rate', totals.serverErrors / counted);
    add('client_error_rate', totals.clientErrors / counted);
    if (requests !== null) add('prediction_count', requests);
    notes.push(`operational: ${counted} requests counted by serving (${totals.serverErrors} server errors, ${totals.clientErrors} client errors; minute buckets that start in the window${totals.writers > 1 ? `, summed over ${totals.writers} serving processes` : ''})`);
    if (totals.variants.length > 0) notes.push(`operational: per variant: ${totals.variants.map(([v, n, e]) => `${v === '' ? '(no version matched)' : v} ${e}/${n} server errors`).join(', ')}`);
    if (requests !== null && requests > rows) notes.push(`operational: latency percentiles come from the ${rows} captured of ${requests} predictions`);
  } else {
    notes.push('operational: serving counted no requests in the window (no request counters: a server older than migration 17, or one that does not count), so error_rate is not computed; request_count is the predictions indexed');
    if (requests !== null) {
      add('request_count', requests);
      add('requests_per_minute', perMinute(requests));
      if (requests > rows) notes.push(`operational: latency percentiles come from the ${rows} captured of ${requests} predictions`);
    } else if (sampleRate !== null && sampleRate > 0) {
      const estimated = rows / sampleRate;
      add('estimated_requests', estimated);
      add('requests_per_minute', perMinute(estimated));
      if (sampleRate < 1) notes.push(`operational: the endpoint captures ${sampleRate * 100}% of requests; request counts are estimates (captured rows / rate)`);
    } else notes.push('operational: the endpoint\'s capture sample rate is unknown or 0 now; request counts are captured rows only');
  }
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
