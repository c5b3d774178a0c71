/**
 * The alert condition grammar: `METRIC[(COLUMN)] OP NUMBER [for N runs]`, e.g. `drift_share > 0.3 for 2 runs`,
 * `auc < 0.75`, `psi(age) > 0.2`, `estimated_auc < 0.7`. METRIC names a point of a monitor run
 * (`MonitorResultPoint.metric`), COLUMN its feature column (a bare name, or a quoted "name with spaces"),
 * OP one of `>= <= > < == !=`, NUMBER a finite decimal, N from 1 to 100. Errors follow the registry's
 * threshold grammar: a UsageError naming the 1-based position, with the text and a caret under it.
 */
import { compareHolds, ExpressionScanner, expressionText, NUMBER_TOKEN } from '../../core/expression-scanner.js';
import type { ComparisonOp } from '../../core/expression-scanner.js';
import type { MonitorResultPoint, MonitorRunSummary } from '../monitor-run.js';

/** Comparison operators. */
export type ConditionOp = ComparisonOp;

/** A parsed condition. */
export interface AlertCondition {
  readonly metric: string;
  /** The column of a per-column statistic; null for monitor-wide values. */
  readonly column: string | null;
  readonly op: ConditionOp;
  readonly value: number;
  /** Consecutive runs that must all breach (1 unless `for N runs`). */
  readonly runs: number;
  /** The text as written (trimmed). */
  readonly source: string;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_.@]*/y;
const COLUMN = /[^\s()"]+/y;
const QUOTED = /"((?:[^"\\]|\\.)*)"/y;
const OP = /(>=|<=|==|!=|>|<)/y;
const INTEGER = /[0-9]+/y;
const WORD = /[A-Za-z]+/y;
const MAX_LENGTH = 300;
/** Longest `for N runs` window (each evaluation reads that many past runs). */
export const MAX_CONDITION_RUNS = 100;

/** Parse a condition; `field` names where it came from (`rule`). */
export function parseAlertCondition(text: unknown, field = 'rule'): AlertCondition {
  const sc = new ExpressionScanner(
    expressionText(text, field, MAX_LENGTH, 'drift_share > 0.3 for 2 runs'),
    field,
    'Write METRIC[(COLUMN)] OP NUMBER [for N runs], e.g. "drift_share > 0.3 for 2 runs", "psi(age) > 0.2" or "auc < 0.75".',
  );
  sc.skip();
  const metric = sc.take(IDENT);
  if (metric === null) return sc.fail('expected a metric name (drift_share, auc, psi, ...)');
  sc.skip();
  let column: string | null = null;
  if (sc.text[sc.pos] === '(') {
    sc.pos++;
    sc.skip();
    if (sc.text[sc.pos] === '"') {
      const start = sc.pos;
      const quoted = sc.take(QUOTED);
      if (quoted === null) {
        sc.pos = start;
        return sc.fail('unterminated quoted column name');
      }
      column = (JSON.parse(quoted) as string);
    } else column = sc.take(COLUMN);
    if (column === null || column === '') return sc.fail('expected a column name');
    sc.skip();
    if (sc.text[sc.pos] !== ')') return sc.fail('expected ")"');
    sc.pos++;
    sc.skip();
  }
  const op = sc.take(OP);
  if (op === null) return sc.fail('expected a comparison (>, <, >=, <=, ==, !=)');
  sc.skip();
  const numberStart = sc.pos;
  const num = sc.take(NUMBER_TOKEN);
  if (num === null) return sc.fail('expected a number');
  const value = Number(num);
  if (!Number.isFinite(value)) {
    sc.pos = numberStart;
    return sc.fail('expected a finite number');
  }
  sc.skip();
  let runs = 1;
  if (sc.pos < sc.text.length) {
    const forStart = sc.pos;
    const word = sc.take(WORD);
    if (word?.toLowerCase() !== 'for') {
      sc.pos = forStart;
      return sc.fail(`unexpected "${sc.text[sc.pos]}" (only "for N runs" may follow the number)`);
    }
    sc.skip();
    const nStart = sc.pos;
    const n = sc.take(INTEGER);
    if (n === null) return sc.fail('expected a whole number of runs after "for"');
    runs = Number(n);
    if (runs < 1 || runs > MAX_CONDITION_RUNS) {
      sc.pos = nStart;
      return sc.fail(`the number of runs must be from 1 to ${MAX_CONDITION_RUNS}`);
    }
    sc.skip();
    const unit = sc.take(WORD);
    if (unit === null || !['run', 'runs'].includes(unit.toLowerCase())) {
      if (unit !== null) sc.pos -= unit.length;
      return sc.fail('expected "runs"');
    }
    sc.skip();
    if (sc.pos < sc.text.length) return sc.fail(`unexpected "${sc.text[sc.pos]}"`);
  }
  return { metric, column, op: op as ConditionOp, value, runs, source: sc.text.trim() };
}

/** Whether `actual` breaches the condition (the comparison holds). */
export function conditionHolds(c: Pick<AlertCondition, 'op' | 'value'>, actual: number): boolean {
  return compareHolds(c.op, actual, c.value);
}

/**
 * Whether a point is what the condition reads: the same metric and column, or, for a check-qualified metric
 * (`operational.error_rate`, `concept.error_rate`), that check's metric. Qualifying tells apart names two checks
 * share (the operational 5xx rate and the concept check's misclassification rate are both `error_rate`).
 */
export function conditionMatches(c: Pick<AlertCondition, 'metric' | 'column'>, p: MonitorResultPoint): boolean {
  if (p.column !== c.column) return false;
  if (p.metric === c.metric) return true;
  const dot = c.metric.indexOf('.');
  return dot > 0 && c.metric.length === dot + 1 + p.metric.length && c.metric.endsWith(p.metric) && c.metric.startsWith(p.check) && p.check.length === dot;
}

/** The point of a run the condition reads (the first in check order for a bare name), or undefined when the run did not produce it. */
export function conditionPoint(c: Pick<AlertCondition, 'metric' | 'column'>, run: MonitorRunSummary): MonitorResultPoint | undefined {
  return run.points.find((p) => conditionMatches(c, p));
}
