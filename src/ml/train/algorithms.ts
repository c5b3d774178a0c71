/**
 * Registry of trainable algorithms: CLI/API name -> preprocessing family, allowed tasks, parameter
 * parsing and fitting. Adding an algorithm is one entry here.
 */
import { UsageError } from '../../core/errors.js';
import type { ModelState, Task } from '../../runtime/bundle-types.js';
import type { FeatureMatrix } from '../../runtime/feature-matrix.js';
import { trainGbdt } from '../gbdt/fit-gbdt.js';
import { parseGbdtParams } from '../gbdt/gbdt-params.js';
import type { GbdtObjective, GbdtParams } from '../gbdt/gbdt-params.js';
import { fitLinear } from '../linear/fit-linear.js';
import { parseLinearParams } from '../linear/linear-params.js';

/** What a fit returns to the training orchestration. */
export interface AlgorithmFit {
  readonly state: ModelState;
  readonly bestIteration?: number;
  readonly history?: { train: Record<string, number[]>; valid?: Record<string, number[]> };
  /** Importance per feature (gain for trees, |coefficient| for linear models). */
  readonly importance?: Float64Array;
  /** Raw scores of `x` by the returned model (rows x outputs) when the fit already has them bit for bit; saves re-scoring the training rows. */
  readonly trainRaw?: Float64Array;
}

/** Everything an algorithm's fit receives. */
export interface AlgorithmFitInput {
  readonly x: FeatureMatrix;
  readonly y: Float64Array;
  readonly task: Task;
  readonly numClasses: number;
  readonly params: Record<string, unknown>;
  readonly seed: number;
  readonly valid?: { x: FeatureMatrix; y: Float64Array; groups?: Int32Array };
  readonly groups?: Int32Array;
  readonly onIteration?: (iteration: number, metrics: Record<string, number>) => void;
}

/** One trainable algorithm. */
export interface Algorithm {
  readonly name: string;
  readonly family: 'tree' | 'linear';
  readonly tasks: readonly Task[];
  /** Whether a validation split helps (early stopping). */
  readonly usesValidation: boolean;
  /** Whether it takes a `numThreads` parameter (defaulted to the machine's cores by `trainModel`). */
  readonly threaded: boolean;
  /** Parse user params, throwing UsageError naming unknown/out-of-range keys. */
  parseParams(raw: Record<string, unknown>): Record<string, unknown>;
  fit(input: AlgorithmFitInput): Promise<AlgorithmFit>;
}

const GBDT_OBJECTIVE: Record<Task, GbdtObjective> = { binary: 'binary', multiclass: 'multiclass', regression: 'regression', ranking: 'lambdarank' };

const gbdt: Algorithm = {
  name: 'gbdt',
  family: 'tree',
  tasks: ['binary', 'multiclass', 'regression', 'ranking'],
  usesValidation: true,
  threaded: true,
  parseParams: (raw) => ({ ...parseGbdtParams(raw) }),
  async fit(input) {
    const { result, trainScores, iterations } = await trainGbdt(input.x, input.y, {
      params: input.params as Partial<GbdtParams>,
      ...(input.params.objective === undefined ? { objective: GBDT_OBJECTIVE[input.task] } : {}),
      numClasses: input.task === 'multiclass' ? input.numClasses : undefined,
      valid: input.valid,
      groups: input.groups,
      seed: input.seed,
      onIteration: input.onIteration
        ? (it, m) => input.onIteration?.(it, { ...prefix('train', m.train), ...(m.valid ? prefix('valid', m.valid) : {}) })
        : undefined,
    });
    // Reported 1-based (iterations kept), as LightGBM reports best_iteration.
    // The boosting loop's scores are the runtime's (fit-gbdt.test.ts), unless early stopping cut trees they include.
    const trainRaw = iterations === result.bestIteration + 1 ? trainScores : undefined;
    return { state: result.state, bestIteration: result.bestIteration + 1, history: result.history, importance: result.importance.gain, ...(trainRaw ? { trainRaw } : {}) };
  },
};

function linearAlgorithm(name: 'linear' | 'ridge' | 'lasso' | 'elasticnet' | 'logistic', tasks: readonly Task[]): Algorithm {
  return {
    name,
    family: 'linear',
    tasks,
    usesValidation: false,
    threaded: false,
    parseParams: (raw) => ({ ...parseLinearParams(name, raw) }),
    fit(input) {
      const result = fitLinear(input.x, input.y, {
        algo: name,
        task: input.task === 'ranking' ? 'regression' : input.task,
        numClasses: input.numClasses,
        params: input.params,
      });
      const k = result.coefficients.length / input.x.cols;
      const importance = new Float64Array(input.x.cols);
      for (let j = 0; j < input.x.cols; j++) for (let c = 0; c < k; c++) importance[j] += Math.abs(result.coefficients[j * k + c]);
      return Promise.resolve({ state: result.state, importance });
    },
  };
}

/** All algorithms by name. */
export const ALGORITHMS: Readonly<Record<string, Algorithm>> = {
  gbdt,
  linear: linearAlgorithm('linear', ['regression']),
  ridge: linearAlgorithm('ridge', ['regression']),
  lasso: linearAlgorithm('lasso', ['regression']),
  elasticnet: linearAlgorithm('elasticnet', ['regression']),
  logistic: linearAlgorithm('logistic', ['binary', 'multiclass']),
};

/** Look an algorithm up by name, or explain what exists. */
export function getAlgorithm(name: string): Algorithm {
  const algo = Object.hasOwn(ALGORITHMS, name) ? ALGORITHMS[name] : undefined;
  if (!algo) throw new UsageError(`algo "${name}" is unknown; choose one of: ${Object.keys(ALGORITHMS).join(', ')}`, { field: 'algo' });
  return algo;
}

function prefix(p: string, m: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) out[`${p}_${k}`] = v;
  return out;
}
