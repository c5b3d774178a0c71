/**
 * Hyperparameters of the linear family (camelCase, scikit-learn meanings) and their parser. Parsing
 * happens once at the boundary: unknown names get a "did you mean" suggestion, out-of-range values a
 * message naming the parameter and the allowed range. Defaults per algorithm: docs/algorithms/linear.md.
 */
import { UsageError } from '../../core/errors.js';

/** Linear algorithms. */
export type LinearAlgo = 'linear' | 'ridge' | 'lasso' | 'elasticnet' | 'logistic';

/** Logistic-regression penalty. */
export type LogisticPenalty = 'l1' | 'l2' | 'elasticnet' | 'none';

/** Class weights: scikit-learn's 'balanced' (n / (k * count)) or class index -> weight. */
export type ClassWeight = 'balanced' | Readonly<Record<number, number>>;

/** Every linear hyperparameter, resolved. */
export interface LinearParams {
  /** Regularization strength of ridge / lasso / elasticnet. */
  readonly alpha: number;
  /** Share of L1 in the elastic-net penalty (elasticnet, logistic with penalty 'elasticnet'). */
  readonly l1Ratio: number;
  /** Inverse regularization strength of logistic regression. */
  readonly C: number;
  readonly penalty: LogisticPenalty;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
  /** null = every class weighs 1. */
  readonly classWeight: ClassWeight | null;
  readonly multiClass: 'multinomial' | 'ovr';
}

const BASE: LinearParams = {
  alpha: 1,
  l1Ratio: 0.5,
  C: 1,
  penalty: 'l2',
  fitIntercept: true,
  maxIter: 1000,
  tol: 1e-4,
  classWeight: null,
  multiClass: 'multinomial',
};

/** Defaults per algorithm (scikit-learn's, except logistic maxIter: see docs/algorithms/linear.md). */
export const LINEAR_DEFAULTS: Readonly<Record<LinearAlgo, LinearParams>> = {
  linear: BASE,
  ridge: BASE,
  lasso: BASE,
  elasticnet: BASE,
  logistic: { ...BASE, maxIter: 200 },
};

/** Which parameters each algorithm accepts. */
export const LINEAR_PARAM_NAMES: Readonly<Record<LinearAlgo, readonly (keyof LinearParams)[]>> = {
  linear: ['fitIntercept'],
  ridge: ['alpha', 'fitIntercept', 'maxIter', 'tol'],
  lasso: ['alpha', 'fitIntercept', 'maxIter', 'tol'],
  elasticnet: ['alpha', 'l1Ratio', 'fitIntercept', 'maxIter', 'tol'],
  logistic: ['C', 'penalty', 'l1Ratio', 'fitIntercept', 'maxIter', 'tol', 'classWeight', 'multiClass'],
};

/** Whether `name` is a linear algorithm. */
export function isLinearAlgo(name: string): name is LinearAlgo {
  return Object.prototype.hasOwnProperty.call(LINEAR_DEFAULTS, name);
}

function editDistance(a: string, b: string): number {
  const prev = new Int32Array(b.length + 1);
  const cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    prev.set(cur);
  }
  return prev[b.length];
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  const snake = name.toLowerCase().replace(/_/g, '');
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(snake, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function toNumber(algo: LinearAlgo, name: string, v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new UsageError(`${algo}: parameter ${name} must be a finite number, got ${JSON.stringify(v)}`, { field: name });
  return n;
}

function range(algo: LinearAlgo, name: string, v: number, ok: boolean, what: string): number {
  if (!ok) throw new UsageError(`${algo}: parameter ${name} must be ${what}, got ${v}`, { field: name });
  return v;
}

function oneOf<T extends string>(algo: LinearAlgo, name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`${algo}: parameter ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}`, { field: name });
}

function parseClassWeight(algo: LinearAlgo, v: unknown): ClassWeight | null {
  if (v === null || v === undefined || v === 'none') return null;
  if (v === 'balanced') return 'balanced';
  if (typeof v === 'object' && !Array.isArray(v)) {
    const out: Record<number, number> = {};
    for (const [k, w] of Object.entries(v as Record<string, unknown>)) {
      const cls = Number(k);
      if (!Number.isInteger(cls) || cls < 0) throw new UsageError(`${algo}: classWeight key '${k}' must be a class index (0, 1, ...)`, { field: 'classWeight' });
      const field = `classWeight[${k}]`;
      const n = toNumber(algo, field, w);
      out[cls] = range(algo, field, n, n >= 0, '>= 0');
    }
    return out;
  }
  throw new UsageError(`${algo}: parameter classWeight must be 'balanced' or an object {classIndex: weight}, got ${JSON.stringify(v)}`, { field: 'classWeight' });
}

function parseBoolean(algo: LinearAlgo, name: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`${algo}: parameter ${name} must be true or false, got ${JSON.stringify(v)}`, { field: name });
}

/** Resolve raw parameters (API, CLI or JSON; numeric strings accepted) into LinearParams. */
export function parseLinearParams(algo: LinearAlgo, raw: Readonly<Record<string, unknown>>): LinearParams {
  if (!isLinearAlgo(algo)) throw new UsageError(`unknown linear algorithm '${String(algo)}'`, { field: 'algo' }, `use one of ${Object.keys(LINEAR_DEFAULTS).join(', ')}`);
  const allowed = LINEAR_PARAM_NAMES[algo];
  const p: { -readonly [K in keyof LinearParams]: LinearParams[K] } = { ...LINEAR_DEFAULTS[algo] };
  for (const [name, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if (!(allowed as readonly string[]).includes(name)) {
      const guess = closest(name, allowed);
      throw new UsageError(
        `${algo} has no parameter '${name}'${guess ? `; did you mean '${guess}'?` : ''}`,
        { field: name },
        `parameters of ${algo}: ${allowed.join(', ')}`,
      );
    }
    switch (name as keyof LinearParams) {
      case 'alpha': {
        const n = toNumber(algo, name, v);
        p.alpha = range(algo, name, n, n >= 0, '>= 0');
        break;
      }
      case 'l1Ratio': {
        const n = toNumber(algo, name, v);
        p.l1Ratio = range(algo, name, n, n >= 0 && n <= 1, 'in [0, 1]');
        break;
      }
      case 'C': {
        const n = toNumber(algo, name, v);
        p.C = range(algo, name, n, n > 0, '> 0');
        break;
      }
      case 'penalty':
        p.penalty = oneOf(algo, name, v, ['l1', 'l2', 'elasticnet', 'none'] as const);
        break;
      case 'fitIntercept':
        p.fitIntercept = parseBoolean(algo, name, v);
        break;
      case 'maxIter': {
        const n = toNumber(algo, name, v);
        p.maxIter = range(algo, name, n, Number.isInteger(n) && n >= 1, 'an integer >= 1');
        break;
      }
      case 'tol': {
        const n = toNumber(algo, name, v);
        p.tol = range(algo, name, n, n > 0, '> 0');
        break;
      }
      case 'classWeight':
        p.classWeight = parseClassWeight(algo, v);
        break;
      case 'multiClass':
        p.multiClass = oneOf(algo, name, v, ['multinomial', 'ovr'] as const);
        break;
    }
  }
  return p;
}
