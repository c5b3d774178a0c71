/** The alert condition grammar (good and malformed rules) and the per-run verdict, `for N runs` included. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import type { MonitorResultPoint, MonitorRunSummary } from '../monitor-run.js';
import { conditionHolds, parseAlertCondition } from './alert-condition.js';
import { evaluateCondition } from './alert-evaluation.js';

function errorOf(text: unknown): UsageError {
  try {
    parseAlertCondition(text);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`${String(text)} parsed`);
}

/** A run of monitor `m` with the given points. */
export function runOf(id: string, points: Partial<MonitorResultPoint>[], status: MonitorRunSummary['status'] = 'ok'): MonitorRunSummary {
  return {
    project: 'default',
    monitor: 'm',
    endpoint: 'churn',
    runId: id,
    at: '2026-01-01T00:00:00.000Z',
    windowStart: '2026-01-01T00:00:00.000Z',
    windowEnd: '2026-01-01T01:00:00.000Z',
    status,
    points: points.map((p) => ({ check: 'drift', metric: 'drift_share', column: null, value: 0, ...p })),
    notes: status === 'ok' ? [] : ['window held no rows'],
  };
}

describe('alert condition grammar', () => {
  it('parses the documented forms', () => {
    expect(parseAlertCondition('drift_share > 0.3 for 2 runs')).toEqual({ metric: 'drift_share', column: null, op: '>', value: 0.3, runs: 2, source: 'drift_share > 0.3 for 2 runs' });
    expect(parseAlertCondition('auc < 0.75')).toMatchObject({ metric: 'auc', column: null, op: '<', value: 0.75, runs: 1 });
    expect(parseAlertCondition('psi(age) > 0.2')).toMatchObject({ metric: 'psi', column: 'age', op: '>', value: 0.2 });
    expect(parseAlertCondition('estimated_auc < 0.7')).toMatchObject({ metric: 'estimated_auc', value: 0.7 });
    expect(parseAlertCondition('  ks_p_value( "monthly charges" )<=1e-3 FOR 1 run ')).toMatchObject({ metric: 'ks_p_value', column: 'monthly charges', op: '<=', value: 0.001, runs: 1 });
    expect(parseAlertCondition('p99_ms >= -5')).toMatchObject({ op: '>=', value: -5 });
    expect(parseAlertCondition('error_rate != 0')).toMatchObject({ op: '!=', value: 0 });
  });

  it('points at the position of each mistake with a caret', () => {
    const cases: [unknown, number, RegExp][] = [
      ['', 1, /expected a metric name/],
      ['> 0.3', 1, /expected a metric name/],
      ['drift_share 0.3', 13, /expected a comparison/],
      ['drift_share >', 14, /expected a number/],
      ['drift_share > abc', 15, /expected a number/],
      ['drift_share > 0.3 for', 22, /whole number of runs/],
      ['drift_share > 0.3 for 2', 24, /expected "runs"/],
      ['drift_share > 0.3 for 2 days', 25, /expected "runs"/],
      ['drift_share > 0.3 for 0 runs', 23, /from 1 to 100/],
      ['drift_share > 0.3 for 101 runs', 23, /from 1 to 100/],
      ['drift_share > 0.3 and auc < 1', 19, /only "for N runs"/],
      ['drift_share > 0.3 for 2 runs!', 29, /unexpected "!"/],
      ['psi(age > 0.2', 9, /expected "\)"/],
      ['psi() > 0.2', 5, /expected a column name/],
      ['psi("age) > 0.2', 5, /unterminated/],
      ['auc < 1e999', 7, /finite number/],
      ['auc => 0.7', 5, /expected a comparison/],
    ];
    for (const [text, position, message] of cases) {
      const err = errorOf(text);
      expect(err.details.position, String(text)).toBe(position);
      expect(err.message).toMatch(message);
      expect(err.details.field).toBe('rule');
      // The caret sits under the reported position.
      const [, shown, caret] = err.message.split('\n');
      expect(caret.indexOf('^') - 2, String(text)).toBe(position - 1);
      expect(shown).toContain(JSON.stringify(text).slice(1, -1));
    }
  });

  it('refuses wrong types and huge input', () => {
    expect(errorOf(42).message).toMatch(/must be a string/);
    expect(errorOf(null).message).toMatch(/must be a string/);
    expect(errorOf(`auc < 0.7${' '.repeat(400)}`).message).toMatch(/longer than 300/);
    expect(errorOf('auc\n< 0.7').details.position).toBe(4);
  });

  it('compares with every operator', () => {
    expect(conditionHolds({ op: '>', value: 1 }, 1)).toBe(false);
    expect(conditionHolds({ op: '>=', value: 1 }, 1)).toBe(true);
    expect(conditionHolds({ op: '<', value: 1 }, 0.5)).toBe(true);
    expect(conditionHolds({ op: '<=', value: 1 }, 2)).toBe(false);
    expect(conditionHolds({ op: '==', value: 1 }, 1)).toBe(true);
    expect(conditionHolds({ op: '!=', value: 1 }, 1)).toBe(false);
  });
});

describe('rule verdicts', () => {
  const c2 = parseAlertCondition('drift_share > 0.3 for 2 runs');
  it('needs N consecutive breaching runs; a gap (empty window, missing point, low value) breaks the streak', () => {
    const r1 = runOf('r1', [{ value: 0.5 }]);
    const r2 = runOf('r2', [{ value: 0.4 }]);
    expect(evaluateCondition(c2, r1, [])).toMatchObject({ state: 'pending', value: 0.5 });
    expect(evaluateCondition(c2, r2, [r1])).toMatchObject({ state: 'breach', value: 0.4 });
    // The current run may already be in the history: it is not counted twice.
    expect(evaluateCondition(c2, r2, [r2])).toMatchObject({ state: 'pending' });
    expect(evaluateCondition(c2, r2, [r2, r1])).toMatchObject({ state: 'breach' });
    expect(evaluateCondition(c2, r2, [runOf('e', [], 'empty'), r1])).toMatchObject({ state: 'pending' });
    expect(evaluateCondition(c2, r2, [runOf('x', [{ metric: 'auc', value: 0.9 }])])).toMatchObject({ state: 'pending' });
    expect(evaluateCondition(c2, r2, [runOf('low', [{ value: 0.1 }]), r1])).toMatchObject({ state: 'pending' });
    expect(evaluateCondition(c2, runOf('ok', [{ value: 0.2 }]), [r2, r1])).toMatchObject({ state: 'clear', value: 0.2 });
  });

  it('says unknown (changing nothing) for failed or empty runs and runs without the point', () => {
    expect(evaluateCondition(c2, runOf('e', [], 'empty'), [])).toMatchObject({ state: 'unknown', reason: expect.stringMatching(/empty: window held no rows/) });
    expect(evaluateCondition(c2, runOf('f', [], 'failed'), [])).toMatchObject({ state: 'unknown' });
    expect(evaluateCondition(parseAlertCondition('psi(age) > 0.2'), runOf('p', [{ metric: 'psi', column: 'income', value: 0.9 }]), [])).toMatchObject({ state: 'unknown', reason: expect.stringMatching(/no psi\(age\)/) });
  });

  it('reads per-column points by column', () => {
    const run = runOf('p', [
      { metric: 'psi', column: 'age', value: 0.25 },
      { metric: 'psi', column: 'income', value: 0.01 },
    ]);
    expect(evaluateCondition(parseAlertCondition('psi(age) > 0.2'), run, [])).toMatchObject({ state: 'breach', value: 0.25 });
    expect(evaluateCondition(parseAlertCondition('psi(income) > 0.2'), run, [])).toMatchObject({ state: 'clear', value: 0.01 });
  });

  it('reads the operational error rates, and a check-qualified name tells apart metrics two checks share', () => {
    const run = runOf('ops', [
      { check: 'concept', metric: 'error_rate', value: 0.3 },
      { check: 'operational', metric: 'error_rate', value: 0.08 },
      { check: 'operational', metric: 'client_error_rate', value: 0.2 },
    ]);
    expect(parseAlertCondition('operational.error_rate > 0.05')).toMatchObject({ metric: 'operational.error_rate', op: '>', value: 0.05 });
    expect(evaluateCondition(parseAlertCondition('operational.error_rate > 0.05'), run, [])).toMatchObject({ state: 'breach', value: 0.08 });
    expect(evaluateCondition(parseAlertCondition('concept.error_rate > 0.05'), run, [])).toMatchObject({ state: 'breach', value: 0.3 });
    expect(evaluateCondition(parseAlertCondition('client_error_rate >= 0.2'), run, [])).toMatchObject({ state: 'breach', value: 0.2 });
    expect(evaluateCondition(parseAlertCondition('drift.error_rate > 0.05'), run, [])).toMatchObject({ state: 'unknown' });
    expect(evaluateCondition(parseAlertCondition('operational.error > 0.05'), run, [])).toMatchObject({ state: 'unknown' });
    // A bare name reads the first point in check order (a monitor with only the operational check has one).
    expect(evaluateCondition(parseAlertCondition('error_rate > 0.05'), runOf('only-ops', [{ check: 'operational', metric: 'error_rate', value: 0.06 }]), [])).toMatchObject({ state: 'breach', value: 0.06 });
  });
});
