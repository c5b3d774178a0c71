/** The operational check's latency statistics equal NumPy's (fixture + script in test/fixtures). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { operationalCheck, requestTotals } from './operational-check.js';

const FIXTURE = JSON.parse(readFileSync(new URL('../../../test/fixtures/monitoring/latency-percentiles-reference.json', import.meta.url), 'utf8')) as {
  cases: { values: number[]; p50: number; p90: number; p99: number; mean: number; max: number }[];
};

describe('operationalCheck', () => {
  it.each(FIXTURE.cases.map((c) => [c.values.length, c] as const))('latency percentiles of %i values equal numpy.percentile', (_n, c) => {
    const out = operationalCheck(c.values.length, Float64Array.from(c.values), 3_600_000, 1);
    const value = (m: string): number => out.points.find((p) => p.metric === m)?.value ?? Number.NaN;
    for (const [metric, ref] of [['p50_ms', c.p50], ['p90_ms', c.p90], ['p99_ms', c.p99], ['mean_ms', c.mean], ['max_ms', c.max]] as const) expect(Math.abs(value(metric) - ref)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref)));
    expect(value('requests_per_minute')).toBeCloseTo(c.values.length / 60, 12);
  });

  it('estimates requests from the capture rate, skips NaN latencies and says what it cannot measure', () => {
    const out = operationalCheck(10, Float64Array.from([1, 2, Number.NaN, 4, 5, 6, 7, 8, 9, 10]), 600_000, 0.25);
    expect(out.points.find((p) => p.metric === 'estimated_requests')?.value).toBe(40);
    expect(out.points.find((p) => p.metric === 'max_ms')?.value).toBe(10);
    expect(out.notes.join('\n')).toMatch(/error_rate is not computed/);
    expect(out.notes.join('\n')).toMatch(/captures 25% of requests/);
    const counted = operationalCheck(10, Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 600_000, 0.25, 37);
    expect(counted.points.find((p) => p.metric === 'request_count')?.value).toBe(37);
    expect(counted.points.find((p) => p.metric === 'requests_per_minute')?.value).toBeCloseTo(3.7, 12);
    expect(counted.points.some((p) => p.metric === 'estimated_requests')).toBe(false);
    expect(counted.notes.join('\n')).toMatch(/the 10 captured of 37 predictions/);
    const none = operationalCheck(0, new Float64Array(0), 600_000, null);
    expect(none.points.map((p) => p.metric)).toEqual(['captured_rows']);
  });

  it('computes error rates from request counters summed over buckets, variants and processes', () => {
    const bucket = (variant: string, minute: number, answered: number, clientErrors: number, serverErrors: number, writers: number) => ({ endpoint: 'e', variant, bucket: minute * 60_000, answered, clientErrors, serverErrors, writers });
    const totals = requestTotals([bucket('main', 1, 80, 5, 3, 2), bucket('candidate', 1, 5, 0, 5, 1), bucket('main', 2, 10, 1, 1, 1)]);
    expect(totals).toMatchObject({ answered: 95, clientErrors: 6, serverErrors: 9, writers: 2 });
    const out = operationalCheck(90, Float64Array.from([1, 2, 3]), 600_000, 1, 120, totals);
    const value = (m: string): number | undefined => out.points.find((p) => p.metric === m)?.value;
    expect(value('request_count')).toBe(110);
    expect(value('requests_per_minute')).toBeCloseTo(11, 12);
    expect(value('server_errors')).toBe(9);
    expect(value('client_errors')).toBe(6);
    expect(value('error_rate')).toBeCloseTo(9 / 110, 15);
    expect(value('client_error_rate')).toBeCloseTo(6 / 110, 15);
    expect(value('prediction_count')).toBe(120);
    expect(value('estimated_requests')).toBeUndefined();
    const notes = out.notes.join('\n');
    expect(notes).toMatch(/110 requests counted by serving \(9 server errors, 6 client errors; .*summed over 2 serving processes\)/);
    expect(notes).toMatch(/per variant: main 4\/100 server errors, candidate 5\/10 server errors/);
    expect(notes).not.toMatch(/not computed/);
  });

  it('without counters (or an empty window) falls back to the index and says error_rate is not computed', () => {
    expect(requestTotals([])).toBeNull();
    const out = operationalCheck(0, new Float64Array(0), 600_000, 1, 0, null);
    expect(out.points.map((p) => p.metric)).toEqual(['captured_rows', 'request_count', 'requests_per_minute']);
    expect(out.notes.join('\n')).toMatch(/counted no requests in the window .*error_rate is not computed/);
    expect(out.notes.join('\n')).toMatch(/no latency was recorded/);
    // Every request failed: rates from the counters, no latency (nothing was answered, nothing captured).
    const failed = operationalCheck(0, new Float64Array(0), 60_000, 1, 0, { answered: 0, clientErrors: 0, serverErrors: 4, writers: 1, variants: [] });
    expect(failed.points.find((p) => p.metric === 'error_rate')?.value).toBe(1);
    expect(failed.points.some((p) => p.metric === 'p50_ms')).toBe(false);
  });
});
