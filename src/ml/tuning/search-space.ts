/**
 * Search spaces for tuning: a JSON object from parameter name to its distribution — `int`, `float` (each
 * optionally `log` and `step`), or `categorical` — with optional conditions (`when`) that activate a
 * parameter only for some values of an earlier one. Parsed strictly: an empty range, the log of a
 * non-positive bound or a condition on an unknown parameter is a UsageError naming the parameter.
 *
 *   { "learningRate": { "type": "float", "low": 0.01, "high": 0.3, "log": true },
 *     "maxLeaves": { "type": "int", "low": 8, "high": 128, "log": true },
 *     "booster": { "type": "categorical", "choices": ["gbdt", "dart"] },
 *     "dropRate": { "type": "float", "low": 0.05, "high": 0.5, "when": { "param": "booster", "in": ["dart"] } } }
 */
import { UsageError } from '../../core/errors.js';

/** A categorical choice value. */
export type Choice = string | number | boolean;

/** Activates a parameter only when an earlier one took one of these values. */
export interface Condition {
  readonly param: string;
  readonly in: readonly Choice[];
}

/** A numeric distribution. */
export interface NumericParam {
  readonly type: 'int' | 'float';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Grid step (ints default to 1). */
  readonly step: number | null;
  readonly when: Condition | null;
}

/** A categorical distribution. */
export interface CategoricalParam {
  readonly type: 'categorical';
  readonly choices: readonly Choice[];
  readonly when: Condition | null;
}

/** One parameter's distribution. */
export type ParamSpec = NumericParam | CategoricalParam;

/** An ordered search space (conditions refer to earlier parameters). */
export interface SearchSpace {
  readonly names: readonly string[];
  readonly params: Readonly<Record<string, ParamSpec>>;
}

/** Parameter values of one trial (inactive conditional parameters are absent). */
export type ParamValues = Record<string, Choice>;

function bad(name: string, what: string): never {
  throw new UsageError(`search space: parameter "${name}": ${what}`, { field: `space.${name}` });
}

function own(obj: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Parse and check a search space document. `known` (optional) lists the parameters the algorithm accepts. */
export function parseSearchSpace(doc: unknown, known?: readonly string[]): SearchSpace {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError('search space must be a JSON object from parameter name to distribution', { field: 'space' });
  const names = Object.keys(doc);
  if (names.length === 0) throw new UsageError('search space is empty', { field: 'space' });
  const params: Record<string, ParamSpec> = {};
  for (const name of names) {
    if (known && !known.includes(name)) bad(name, `unknown parameter for this algorithm (known: ${known.join(', ')})`);
    const raw = own(doc, name);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) bad(name, 'must be an object with a "type"');
    const type = own(raw, 'type');
    const allowed = type === 'categorical' ? ['type', 'choices', 'when'] : ['type', 'low', 'high', 'log', 'step', 'when'];
    for (const k of Object.keys(raw)) if (!allowed.includes(k)) bad(name, `unknown field "${k}"`);
    const when = parseCondition(name, own(raw, 'when'), params);
    if (type === 'categorical') {
      const choices = own(raw, 'choices');
      if (!Array.isArray(choices) || choices.length === 0) bad(name, '"choices" must be a non-empty list');
      for (const c of choices as unknown[]) if (!['string', 'number', 'boolean'].includes(typeof c)) bad(name, 'choices must be strings, numbers or booleans');
      if (new Set(choices as Choice[]).size !== choices.length) bad(name, 'choices repeat a value');
      params[name] = { type, choices: choices as Choice[], when };
      continue;
    }
    if (type !== 'int' && type !== 'float') bad(name, '"type" must be "int", "float" or "categorical"');
    const low = own(raw, 'low');
    const high = own(raw, 'high');
    if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high)) bad(name, '"low" and "high" must be finite numbers');
    if (low > high) bad(name, `empty range: low ${low} > high ${high}`);
    if (type === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) bad(name, 'int bounds must be integers');
    const log = own(raw, 'log') ?? false;
    if (typeof log !== 'boolean') bad(name, '"log" must be true or false');
    if (log && low <= 0) bad(name, `log scale needs a positive low bound, got ${low}`);
    const step = own(raw, 'step') ?? (type === 'int' ? 1 : null);
    if (step !== null && (typeof step !== 'number' || !(step > 0) || (type === 'int' && !Number.isInteger(step)))) bad(name, '"step" must be a positive number (an integer for int)');
    if (log && step !== null && type === 'float') bad(name, 'a float cannot have both "log" and "step"');
    params[name] = { type, low, high, log, step: step as number | null, when };
  }
  return { names, params };
}

function parseCondition(name: string, raw: unknown, earlier: Record<string, ParamSpec>): Condition | null {
  if (raw === undefined) return null;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) bad(name, '"when" must be {"param": NAME, "in": [values]}');
  const param = own(raw, 'param');
  const values = own(raw, 'in');
  if (typeof param !== 'string' || !(param in earlier)) bad(name, `"when.param" must name an earlier parameter, got ${JSON.stringify(param)}`);
  if (!Array.isArray(values) || values.length === 0) bad(name, '"when.in" must be a non-empty list');
  return { param, in: values as Choice[] };
}

/** Whether a parameter is active given the values chosen so far. */
export function isActive(spec: ParamSpec, chosen: ParamValues): boolean {
  if (!spec.when) return true;
  const v = chosen[spec.when.param];
  return v !== undefined && spec.when.in.includes(v);
}

/** Snap a numeric value onto its distribution (step grid, int rounding, bounds). */
export function snapNumeric(spec: NumericParam, x: number): number {
  let v = x;
  if (spec.step !== null) v = spec.low + Math.round((v - spec.low) / spec.step) * spec.step;
  if (spec.type === 'int') v = Math.round(v);
  if (v < spec.low) v = spec.low;
  if (v > spec.high) v = spec.high;
  // Float steps accumulate rounding error: keep the digits of the step.
  return spec.type === 'float' && spec.step !== null ? Number(v.toPrecision(12)) : v;
}
