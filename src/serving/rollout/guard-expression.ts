/**
 * The guard grammar: `METRIC OP NUMBER`, e.g. `error_rate < 0.01`, `p99_ms < 50`, `psi < 0.2`,
 * `accuracy > 0.8`. METRIC is a name in `GUARD_METRICS`, OP one of `< <= > >=`, NUMBER a finite decimal
 * (exponent allowed). A guard states what must HOLD; a value that breaks it is a breach. Errors name the
 * 1-based position and show a caret under it.
 */
import { UsageError } from '../../core/errors.js';
import { compareHolds, ExpressionScanner, expressionText, NUMBER_TOKEN } from '../../core/expression-scanner.js';
import { GUARD_METRICS } from './guard-metrics.js';

/** Comparison operators. */
export type GuardOp = '<' | '<=' | '>' | '>=';

/** A parsed guard. */
export interface Guard {
  readonly metric: string;
  readonly op: GuardOp;
  readonly threshold: number;
  /** The text as written (trimmed). */
  readonly source: string;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const OP = /(<=|>=|<|>)/y;
const MAX_LENGTH = 200;
/** Most guards one rollout may have. */
export const MAX_GUARDS = 16;

/** Parse one guard; `field` names where it came from (`guards[0]`). */
export function parseGuard(text: unknown, field = 'guard'): Guard {
  const source = expressionText(text, field, MAX_LENGTH, 'error_rate < 0.01');
  const sc = new ExpressionScanner(source, field, `Write METRIC OP NUMBER, e.g. "error_rate < 0.01"; metrics: ${Object.keys(GUARD_METRICS).join(', ')}.`, { guard: source });
  sc.skip();
  const metricStart = sc.pos;
  const metric = sc.take(IDENT);
  if (metric === null) return sc.fail('expected a metric name');
  if (!Object.hasOwn(GUARD_METRICS, metric)) {
    sc.pos = metricStart;
    return sc.fail(`unknown metric "${metric}"`);
  }
  sc.skip();
  const op = sc.take(OP);
  if (op === null) return sc.fail('expected a comparison (<, <=, >, >=)');
  sc.skip();
  const num = sc.take(NUMBER_TOKEN);
  if (num === null) return sc.fail('expected a number');
  sc.skip();
  if (!sc.atEnd()) return sc.fail(`unexpected "${sc.peek()}"`);
  const threshold = Number(num);
  if (!Number.isFinite(threshold)) return sc.fail('expected a finite number');
  return { metric, op: op as GuardOp, threshold, source: source.trim() };
}

/** Parse a list of guards (each error names its index). */
export function parseGuards(texts: unknown): Guard[] {
  if (texts === undefined || texts === null) return [];
  if (!Array.isArray(texts)) throw new UsageError('guards must be a list of strings like "error_rate < 0.01"', { field: 'guards' });
  if (texts.length > MAX_GUARDS) throw new UsageError(`at most ${MAX_GUARDS} guards`, { field: 'guards' });
  return texts.map((t, i) => parseGuard(t, `guards[${i}]`));
}

/** Whether `value` satisfies the guard. */
export function guardHolds(g: Guard, value: number): boolean {
  return compareHolds(g.op, value, g.threshold);
}
