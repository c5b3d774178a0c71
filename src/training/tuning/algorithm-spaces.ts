/**
 * Per algorithm: the parameters a search space may tune and the default space `kiln tune` uses without
 * `--space`. A space is checked against the algorithm before any trial runs: an unknown or study-managed
 * parameter, or a range whose ends the algorithm refuses (learningRate from 0, a float where it wants an
 * integer), is a UsageError naming the parameter (`details.field` = `space.NAME`).
 */
import { UsageError } from '../../core/errors.js';
import { GBDT_DEFAULTS } from '../../ml/gbdt/gbdt-params.js';
import { LINEAR_PARAM_NAMES, isLinearAlgo } from '../../ml/linear/linear-params.js';
import { getAlgorithm } from '../../ml/train/algorithms.js';
import { parseSearchSpace } from '../../ml/tuning/search-space.js';
import type { Choice, SearchSpace } from '../../ml/tuning/search-space.js';

/** Parameters the study itself sets on every trial, never tuned. */
const MANAGED = ['numThreads', 'seed', 'objective', 'evalMetric', 'evalTrain'];

/**
 * Default spaces (JSON documents, as a user would write them). GBDT: the ranges of Optuna's LightGBM
 * examples (regularization on log scales, leaves 4-256, row and column sampling 0.4-1) plus the learning
 * rate; early stopping (50 rounds of the 500) keeps the number of trees out of the space.
 */
const DEFAULT_SPACES: Readonly<Record<string, Record<string, unknown>>> = {
  gbdt: {
    learningRate: { type: 'float', low: 0.01, high: 0.3, log: true },
    maxLeaves: { type: 'int', low: 4, high: 256, log: true },
    minDataInLeaf: { type: 'int', low: 5, high: 100, log: true },
    lambdaL1: { type: 'float', low: 1e-8, high: 10, log: true },
    lambdaL2: { type: 'float', low: 1e-8, high: 10, log: true },
    colsampleByTree: { type: 'float', low: 0.4, high: 1 },
    subsample: { type: 'float', low: 0.4, high: 1 },
  },
  logistic: {
    C: { type: 'float', low: 1e-4, high: 100, log: true },
    penalty: { type: 'categorical', choices: ['l2', 'l1', 'elasticnet'] },
    l1Ratio: { type: 'float', low: 0.05, high: 0.95, when: { param: 'penalty', in: ['elasticnet'] } },
  },
  linear: { fitIntercept: { type: 'categorical', choices: [true, false] } },
  ridge: { alpha: { type: 'float', low: 1e-4, high: 100, log: true } },
  lasso: { alpha: { type: 'float', low: 1e-4, high: 100, log: true } },
  elasticnet: { alpha: { type: 'float', low: 1e-4, high: 100, log: true }, l1Ratio: { type: 'float', low: 0.05, high: 0.95 } },
};

/** The parameters of `algo` a space may tune. */
export function tunableParameters(algo: string): readonly string[] {
  if (algo === 'gbdt') return Object.keys(GBDT_DEFAULTS).filter((k) => !MANAGED.includes(k));
  if (isLinearAlgo(algo)) return LINEAR_PARAM_NAMES[algo];
  getAlgorithm(algo);
  return [];
}

/** The default space document of an algorithm (a fresh copy). */
export function defaultSpaceDocument(algo: string): Record<string, unknown> {
  getAlgorithm(algo);
  const doc = Object.hasOwn(DEFAULT_SPACES, algo) ? DEFAULT_SPACES[algo] : undefined;
  if (!doc) throw new UsageError(`there is no default search space for ${algo}; pass --space`, { field: 'space' });
  return structuredClone(doc);
}

/**
 * Parse a space document for an algorithm and check that the algorithm accepts every end of every range
 * (with the study's fixed params): a trial must never fail on a value the space allows.
 */
export function parseSpaceForAlgorithm(doc: unknown, algo: string, fixed: Readonly<Record<string, unknown>> = {}): SearchSpace {
  const known = tunableParameters(algo);
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    for (const name of Object.keys(doc)) {
      if (MANAGED.includes(name)) throw new UsageError(`search space: parameter "${name}": set by the study for every trial, not tunable`, { field: `space.${name}` });
    }
  }
  const space = parseSearchSpace(doc, known);
  const algorithm = getAlgorithm(algo);
  for (const name of space.names) {
    const spec = space.params[name];
    let probes: Choice[];
    if (spec.type === 'categorical') probes = [...spec.choices];
    else {
      // An off-grid point inside a float range catches a float space over an integer parameter.
      probes = [spec.low, spec.high];
      if (spec.type === 'float' && spec.high > spec.low) probes.push(spec.low + (spec.high - spec.low) * 0.3711);
    }
    for (const value of probes) {
      try {
        algorithm.parseParams({ ...fixed, [name]: value });
      } catch (err) {
        if (err instanceof UsageError) throw new UsageError(`search space: parameter "${name}": ${algo} refuses ${JSON.stringify(value)}: ${err.message}`, { field: `space.${name}` }, err.hint);
        throw err;
      }
    }
  }
  return space;
}
