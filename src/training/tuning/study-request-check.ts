/**
 * Checks of a study request that need no data: numbers in range, names well formed, and, for a new study
 * (or one whose algorithm is given), the algorithm, fixed parameters, search space, sampler, pruner and
 * metric. `runStudy` runs them first; `POST /v1/studies` and `kiln tune --async` run `validateStudyRequest`
 * at submit time so that bad input is a 400 / exit 2 then, not a failed job later.
 */
import { UsageError } from '../../core/errors.js';
import { getAlgorithm } from '../../ml/train/algorithms.js';
import { enumerateGrid } from '../../ml/tuning/grid-sampler.js';
import { createPruner, createSampler } from '../../ml/tuning/tuning-registry.js';
import { parseSpaceForAlgorithm } from './algorithm-spaces.js';
import { checkStudyName } from './study-spec.js';
import type { StudyRequest } from './study-types.js';
import { tuningMetric } from './tuning-metric.js';

/** Every check that needs no data and no stored study; throws a UsageError naming the field. */
export function validateStudyRequest(r: StudyRequest): void {
  checkRequest(r);
  const continuing = r.study !== undefined || r.resume !== undefined;
  if (r.algo !== undefined) getAlgorithm(r.algo);
  if (r.sampler !== undefined) createSampler(r.sampler, { seed: 0 });
  if (r.pruner !== undefined) createPruner(r.pruner, { maxSteps: 100 });
  if (r.metric !== undefined) tuningMetric(r.metric);
  // A continued study may take its algorithm from its stored spec: its space is checked against that later.
  if (continuing && r.algo === undefined) return;
  const algo = r.algo ?? 'gbdt';
  if (r.params !== undefined) checkFixedParams(algo, r.params);
  if (r.space !== undefined) {
    const space = parseSpaceForAlgorithm(r.space, algo, r.params ?? {});
    if (r.sampler === 'grid') enumerateGrid(space);
  }
}

/** Fixed params must parse for the algorithm before any trial runs. */
export function checkFixedParams(algo: string, params: Record<string, unknown>): void {
  try {
    getAlgorithm(algo).parseParams(params);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`params: ${err.message}`, { ...err.details, field: 'params' }, err.hint);
    throw err;
  }
}

/** Ranges and shapes of a request's numbers and names (before anything is read). */
export function checkRequest(r: StudyRequest): void {
  const int = (field: keyof StudyRequest, v: unknown, lo: number, hi: number): void => {
    if (v !== undefined && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= lo && v <= hi)) throw new UsageError(`${field} must be an integer from ${lo} to ${hi} (got ${JSON.stringify(v)})`, { field });
  };
  int('trials', r.trials, 1, 100_000);
  int('parallel', r.parallel, 1, 64);
  int('seed', r.seed, 0, 4294967295);
  if (r.timeoutSeconds !== undefined && !(typeof r.timeoutSeconds === 'number' && Number.isFinite(r.timeoutSeconds) && r.timeoutSeconds > 0)) {
    throw new UsageError(`timeout must be a positive number of seconds (got ${JSON.stringify(r.timeoutSeconds)})`, { field: 'timeout' });
  }
  if (r.study !== undefined) checkStudyName(r.study);
  if (r.resume !== undefined && (typeof r.resume !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(r.resume))) throw new UsageError(`resume must be a study id (its run id), got ${JSON.stringify(r.resume)}`, { field: 'resume' });
  if (r.params !== undefined && (r.params === null || typeof r.params !== 'object' || Array.isArray(r.params))) throw new UsageError('params must be a JSON object', { field: 'params' });
}
