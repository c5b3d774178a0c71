/**
 * The alert condition grammar: `METRIC[(COLUMN)] OP NUMBER [for N runs]`, e.g. `drift_share > 0.3 for 2 runs`,
 * `auc < 0.75`, `psi(age) > 0.2`, `estimated_auc < 0.7`. METRIC names a point of a monitor run
 * (`MonitorResultPoint.metric`), COLUMN its feature column (a bare name, or a quoted "name with spaces"),
 * OP one of `>= <= > < == !=`, NUMBER a finite decimal, N from 1 to 100. Errors follow the registry's
 * threshold grammar: a UsageError naming the 1-based position, with the text and a caret under it.
 */
import { UsageError } from '../../core/errors.js';
import type { MonitorResultPoint, MonitorRunSummary } from '../monitor-run.js';

/** Comparison operators. */
export type ConditionOp = '>=' | '<=' | '>' | '<' | '==' | '!=';

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
const NUMBER = /[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?/y;
const INTEGER = /[0-9]+/y;
const WORD = /[A-Za-z]+/y;
const MAX_LENGTH = 300;
/** Longest `for N runs` window (each evaluation reads that many past runs). */
export const MAX_CONDITION_RUNS = 100;

/** Parse a condition; `field` names where it came from (`rule`). */
export function parseAlertCondition(text: unknown, field = 'rule'): AlertCondition {
  if (typeof text !== 'string') throw new UsageError(`${field} must be a string like "drift_share > 0.3 for 2 runs"`, { field });
  if (text.length > MAX_LENGTH) throw new UsageError(`${field} is longer than ${MAX_LENGTH} characters`, { field });
  let pos = 0;
  const skip = (): void => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t')) pos++;
  };
  const fail = (what: string): never => {
    const shown = JSON.stringify(text).slice(1, -1);
    throw new UsageError(
      `${field}: ${what} at position ${pos + 1}\n  ${shown}\n  ${' '.repeat(JSON.stringify(text.slice(0, pos)).length - 2)}^`,
      { field, position: pos + 1 },
      'Write METRIC[(COLUMN)] OP NUMBER [for N runs], e.g. "drift_share > 0.3 for 2 runs", "psi(age) > 0.2" or "auc < 0.75".',
    );
  };
  const take = (re: RegExp): string | null => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return null;
    pos += m[0].length;
    return m[0];
  };
  skip();
  const metric = take(IDENT);
  if (metric === null) return fail('expected a metric name (drift_share, auc, psi, ...)');
  skip();
  let column: string | null = null;
  if (text[pos] === '(') {
    pos++;
    skip();
    if (text[pos] === '"') {
      const start = pos;
      const quoted = take(QUOTED);
      if (quoted === null) {
        pos = start;
        return fail('unterminated quoted column name');
      }
      column = (JSON.parse(quoted) as string);
    } else column = take(COLUMN);
    if (column === null || column === '') return fail('expected a column name');
    skip();
    if (text[pos] !== ')') return fail('expected ")"');
    pos++;
    skip();
  }
  const op = take(OP);
  if (op === null) return fail('expected a comparison (>, <, >=, <=, ==, !=)');
  skip();
  const numberStart = pos;
  const num = take(NUMBER);
  if (num === null) return fail('expected a number');
  const value = Number(num);
  if (!Number.isFinite(value)) {
    pos = numberStart;
    return fail('expected a finite number');
  }
  skip();
  let runs = 1;
  if (pos < text.length) {
    const forStart = pos;
    const word = take(WORD);
    if (word?.toLowerCase() !== 'for') {
      pos = forStart;
      return fail(`unexpected "${text[pos]}" (only "for N runs" may follow the number)`);
    }
    skip();
    const nStart = pos;
    const n = take(INTEGER);
    if (n === null) return fail('expected a whole number of runs after "for"');
    runs = Number(n);
    if (runs < 1 || runs > MAX_CONDITION_RUNS) {
      pos = nStart;
      return fail(`the number of runs must be from 1 to ${MAX_CONDITION_RUNS}`);
    }
    skip();
    const unit = take(WORD);
    if (unit === null || !['run', 'runs'].includes(unit.toLowerCase())) {
      if (unit !== null) pos -= unit.length;
      return fail('expected "runs"');
    }
    skip();
    if (pos < text.length) return fail(`unexpected "${text[pos]}"`);
  }
  return { metric, column, op: op as ConditionOp, value, runs, source: text.trim() };
}

/** Whether `actual` breaches the condition (the comparison holds). */
export function conditionHolds(c: Pick<AlertCondition, 'op' | 'value'>, actual: number): boolean {
  switch (c.op) {
    case '>=':
      return actual >= c.value;
    case '<=':
      return actual <= c.value;
    case '>':
      return actual > c.value;
    case '<':
      return actual < c.value;
    case '==':
      return actual === c.value;
    case '!=':
      return actual !== c.value;
  }
}

/** The point of a run the condition reads, or undefined when the run did not produce it. */
export function conditionPoint(c: Pick<AlertCondition, 'metric' | 'column'>, run: MonitorRunSummary): MonitorResultPoint | undefined {
  return run.points.find((p) => p.metric === c.metric && p.column === c.column);
}
