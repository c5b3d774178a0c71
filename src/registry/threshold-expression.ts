/**
 * The gate threshold grammar: `METRIC OP NUMBER`, e.g. `auc >= 0.80`, `log_loss < 0.35`.
 * METRIC is a metric name (`roc_auc`, `ndcg@10`; `auc` is accepted for `roc_auc`), OP one of
 * `>= <= > < == !=`, NUMBER a decimal (exponent allowed). Errors name the 1-based position and show a caret.
 */
import { compareHolds, ExpressionScanner, expressionText, NUMBER_TOKEN } from '../core/expression-scanner.js';
import type { ComparisonOp } from '../core/expression-scanner.js';
import { getMetric } from '../ml/metrics/metric-registry.js';

/** Comparison operators. */
export type ThresholdOp = ComparisonOp;

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
const MAX_LENGTH = 200;

/** Kiln's name for a metric as written in a threshold. */
export function canonicalMetricName(name: string): string {
  return METRIC_ALIASES[name] ?? name;
}

/** Parse one threshold; `field` names where it came from (`thresholds[0]`). */
export function parseThreshold(text: unknown, field = 'threshold'): ThresholdExpression {
  const sc = new ExpressionScanner(expressionText(text, field, MAX_LENGTH, 'auc >= 0.80'), field, 'Write METRIC OP NUMBER, e.g. "auc >= 0.80" or "log_loss < 0.4".');
  sc.skip();
  const metricStart = sc.pos;
  const written = sc.take(IDENT);
  if (written === null) return sc.fail('expected a metric name');
  const metric = canonicalMetricName(written);
  try {
    getMetric(metric);
  } catch {
    sc.pos = metricStart;
    return sc.fail(`unknown metric "${written}"`);
  }
  sc.skip();
  const op = sc.take(OP);
  if (op === null) return sc.fail('expected a comparison (>=, <=, >, <, ==, !=)');
  sc.skip();
  const num = sc.take(NUMBER_TOKEN);
  if (num === null) return sc.fail('expected a number');
  sc.skip();
  if (!sc.atEnd()) return sc.fail(`unexpected "${sc.peek()}"`);
  const value = Number(num);
  if (!Number.isFinite(value)) return sc.fail('expected a finite number');
  return { metric, op: op as ThresholdOp, value, source: sc.text.trim() };
}

/** Whether `actual` satisfies the threshold. */
export function thresholdHolds(t: ThresholdExpression, actual: number): boolean {
  return compareHolds(t.op, actual, t.value);
}
