/**
 * The guard grammar: `METRIC OP NUMBER`, e.g. `error_rate < 0.01`, `p99_ms < 50`, `psi < 0.2`,
 * `accuracy > 0.8`. METRIC is a name in `GUARD_METRICS`, OP one of `< <= > >=`, NUMBER a finite decimal
 * (exponent allowed). A guard states what must HOLD; a value that breaks it is a breach. Errors name the
 * 1-based position and show a caret under it.
 */
import { UsageError } from '../../core/errors.js';
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
const NUMBER = /[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?/y;
const MAX_LENGTH = 200;
/** Most guards one rollout may have. */
export const MAX_GUARDS = 16;

/** Parse one guard; `field` names where it came from (`guards[0]`). */
export function parseGuard(text: unknown, field = 'guard'): Guard {
  if (typeof text !== 'string') throw new UsageError(`${field} must be a string like "error_rate < 0.01"`, { field });
  if (text.length > MAX_LENGTH) throw new UsageError(`${field} is longer than ${MAX_LENGTH} characters`, { field });
  let pos = 0;
  const skip = (): void => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t')) pos++;
  };
  const fail = (what: string): never => {
    const shown = JSON.stringify(text).slice(1, -1);
    const caret = ' '.repeat(JSON.stringify(text.slice(0, pos)).length - 2);
    throw new UsageError(`${field}: ${what} at position ${pos + 1}\n  ${shown}\n  ${caret}^`, { field, guard: text, position: pos + 1 }, `Write METRIC OP NUMBER, e.g. "error_rate < 0.01"; metrics: ${Object.keys(GUARD_METRICS).join(', ')}.`);
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
  const metric = take(IDENT);
  if (metric === null) return fail('expected a metric name');
  if (!Object.hasOwn(GUARD_METRICS, metric)) {
    pos = metricStart;
    return fail(`unknown metric "${metric}"`);
  }
  skip();
  const op = take(OP);
  if (op === null) return fail('expected a comparison (<, <=, >, >=)');
  skip();
  const num = take(NUMBER);
  if (num === null) return fail('expected a number');
  skip();
  if (pos < text.length) return fail(`unexpected "${text[pos]}"`);
  const threshold = Number(num);
  if (!Number.isFinite(threshold)) return fail('expected a finite number');
  return { metric, op: op as GuardOp, threshold, source: text.trim() };
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
  switch (g.op) {
    case '<':
      return value < g.threshold;
    case '<=':
      return value <= g.threshold;
    case '>':
      return value > g.threshold;
    case '>=':
      return value >= g.threshold;
  }
}
