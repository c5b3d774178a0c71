/**
 * The gate threshold grammar: `METRIC OP NUMBER`, e.g. `auc >= 0.80`, `log_loss < 0.35`.
 * METRIC is a metric name (`roc_auc`, `ndcg@10`; `auc` is accepted for `roc_auc`), OP one of
 * `>= <= > < == !=`, NUMBER a decimal (exponent allowed). Errors name the 1-based position and show a caret.
 */
import { UsageError } from '../core/errors.js';
import { getMetric } from '../ml/metrics/metric-registry.js';

/** Comparison operators. */
export type ThresholdOp = '>=' | '<=' | '>' | '<' | '==' | '!=';

/** A parsed threshold. */
export interface ThresholdExpression {
  /** Kiln's metric name (`auc` becomes `roc_auc`). */
  readonly metric: string;
  readonly op: ThresholdOp;
  readonly value: number;
  /** The text as written. */
  readonly source: string;
}

/** Short names people write for Kiln's metric names. */
const METRIC_ALIASES: Readonly<Record<string, string>> = { auc: 'roc_auc', logloss: 'log_loss' };
const IDENT = /[A-Za-z_][A-Za-z0-9_.@]*/y;
const OP = /(>=|<=|==|!=|>|<)/y;
const NUMBER = /[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?/y;
const MAX_LENGTH = 200;

/** Kiln's name for a metric as written in a threshold. */
export function canonicalMetricName(name: string): string {
  return METRIC_ALIASES[name] ?? name;
}

/** Parse one threshold; `field` names where it came from (`thresholds[0]`). */
export function parseThreshold(text: unknown, field = 'threshold'): ThresholdExpression {
  if (typeof text !== 'string') throw new UsageError(`${field} must be a string like "auc >= 0.80"`, { field });
  if (text.length > MAX_LENGTH) throw new UsageError(`${field} is longer than ${MAX_LENGTH} characters`, { field });
  let pos = 0;
  const skip = (): void => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t')) pos++;
  };
  const fail = (what: string): never => {
    const shown = JSON.stringify(text).slice(1, -1);
    throw new UsageError(`${field}: ${what} at position ${pos + 1}\n  ${shown}\n  ${' '.repeat(JSON.stringify(text.slice(0, pos)).length - 2)}^`, { field, position: pos + 1 }, 'Write METRIC OP NUMBER, e.g. "auc >= 0.80" or "log_loss < 0.4".');
  };
  const take = (re: RegExp): string | null => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return null;
    pos += m[0].length;
    return m[0];
  };
  skip();
  const metricStart = pos;
  const written = take(IDENT);
  if (written === null) return fail('expected a metric name');
  const metric = canonicalMetricName(written);
  try {
    getMetric(metric);
  } catch {
    pos = metricStart;
    return fail(`unknown metric "${written}"`);
  }
  skip();
  const op = take(OP);
  if (op === null) return fail('expected a comparison (>=, <=, >, <, ==, !=)');
  skip();
  const num = take(NUMBER);
  if (num === null) return fail('expected a number');
  skip();
  if (pos < text.length) return fail(`unexpected "${text[pos]}"`);
  const value = Number(num);
  if (!Number.isFinite(value)) return fail('expected a finite number');
  return { metric, op: op as ThresholdOp, value, source: text.trim() };
}

/** Whether `actual` satisfies the threshold. */
export function thresholdHolds(t: ThresholdExpression, actual: number): boolean {
  switch (t.op) {
    case '>=':
      return actual >= t.value;
    case '<=':
      return actual <= t.value;
    case '>':
      return actual > t.value;
    case '<':
      return actual < t.value;
    case '==':
      return actual === t.value;
    case '!=':
      return actual !== t.value;
  }
}
