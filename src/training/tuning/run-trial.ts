/**
 * One trial of a study: a child run of the study's run, a training in a worker thread with the trial's
 * parameters, and the pruner fed by the GBDT's per-iteration validation metric. A pruned trial stops at
 * once (its worker is terminated) and keeps its curve up to the pruning step; a complete trial stores its
 * bundle and records everything `kiln train` records, plus the metric `objective` (the validation metric
 * the study optimizes). The trial's state is the tag `kiln.trial.state`: complete, pruned, failed or
 * killed (stopped from outside; a resumed study asks that number again).
 */
import { InputError, KilnError } from '../../core/errors.js';
import type { TrainOptions } from '../../ml/train/train-model.js';
import type { Pruner } from '../../ml/tuning/pruner.js';
import type { Direction, TrialRecord, TrialState } from '../../ml/tuning/sampler.js';
import type { ParamValues } from '../../ml/tuning/search-space.js';
import { stringifyBundle } from '../../runtime/bundle.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { TrainedModelDataset } from '../../store/trained-model-repository.js';
import { CURVE_NAMES, recordTraining } from '../../tracking/record-training.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import { STUDY_TAGS } from './study-spec.js';
import { TRIAL_STOPPED } from './trial-worker-pool.js';
import type { TrialWorkerPool } from './trial-worker-pool.js';

/** What every trial of a study shares. */
export interface TrialContext {
  readonly tracking: TrackingService;
  readonly artifacts: ArtifactStore;
  readonly studyRunId: string;
  readonly experiment: string;
  /** Threads holding the study's Frame. */
  readonly pool: TrialWorkerPool;
  readonly dataset: TrainedModelDataset | null;
  /** Training options without the trial's parameters. */
  readonly train: Omit<TrainOptions, 'onIteration' | 'onStage' | 'params'>;
  readonly fixedParams: Readonly<Record<string, unknown>>;
  /** Key of the objective in the validation metrics (`roc_auc`). */
  readonly metricKey: string;
  /** GBDT eval metric of the pruning curve, or null (no curve: pruners never act). */
  readonly curve: string | null;
  readonly direction: Direction;
  readonly pruner: Pruner;
  readonly seed: number;
  readonly createdBy?: string;
  /** Extra tags of every trial run (the job that ran it). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A trial as the study reports it. */
export interface TrialOutcome extends TrialRecord {
  readonly runId: string;
  readonly bestIteration: number | null;
  readonly prunedAt: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  /** Hash of the stored bundle (complete trials). */
  readonly bundleHash: string | null;
  /** The study was stopped while this trial ran (the trial's run is killed; a resume asks it again). */
  readonly stopped?: boolean;
  /** The error of a failed trial, as thrown. */
  readonly cause?: unknown;
}

/** Metric key of the pruning curve on the trial's run (`valid.roc_auc`), as `kiln train` names it. */
export function curveMetricKey(curve: string): string {
  return `valid.${CURVE_NAMES[curve] ?? curve}`;
}

/** Run trial `number` with `params`; `peers` are the ended trials its pruner compares it with. */
export async function runTrial(ctx: TrialContext, number: number, params: ParamValues, peers: readonly TrialRecord[], signal: AbortSignal): Promise<TrialOutcome> {
  const started = Date.now();
  const run = await ctx.tracking.startRun({
    experiment: ctx.experiment,
    name: `trial-${number}`,
    parentId: ctx.studyRunId,
    seed: ctx.seed,
    ...(ctx.createdBy ? { createdBy: ctx.createdBy } : {}),
    tags: { ...ctx.tags, [STUDY_TAGS.trial]: String(number), [STUDY_TAGS.trialState]: 'running', [STUDY_TAGS.trialParams]: JSON.stringify(params) },
  });
  const intermediate = new Map<number, number>();
  let prunedAt: number | null = null;
  let stopTraining = (): void => undefined;
  const curveName = ctx.curve ? `valid_${ctx.curve}` : null;
  const onIteration = (it: number, metrics: Record<string, number>): void => {
    if (curveName === null || prunedAt !== null || signal.aborted) return;
    const v = metrics[curveName];
    if (v === undefined) return;
    intermediate.set(it, v);
    const self: TrialRecord = { number, params, state: 'running', value: null, intermediate };
    if (ctx.pruner.shouldPrune(self, it, v, peers, ctx.direction)) {
      prunedAt = it;
      stopTraining();
    }
  };
  const end = async (state: TrialState | 'killed', fields: { value?: number; error?: string; bestIteration?: number; bundleHash?: string; cause?: unknown }): Promise<TrialOutcome> => {
    const tags: Record<string, string> = { [STUDY_TAGS.trialState]: state };
    if (prunedAt !== null) tags[STUDY_TAGS.prunedAt] = String(prunedAt);
    if (fields.error) tags[STUDY_TAGS.error] = fields.error.slice(0, 2000);
    await ctx.tracking.setTags(run.id, tags);
    await ctx.tracking.endRun(run.id, state === 'complete' || state === 'pruned' ? 'finished' : state === 'killed' ? 'killed' : 'failed');
    return {
      number,
      params,
      // A killed trial is asked again; to the sampler it is a failure until then.
      state: state === 'killed' ? 'failed' : state,
      value: fields.value ?? null,
      intermediate,
      runId: run.id,
      bestIteration: fields.bestIteration ?? null,
      prunedAt,
      error: fields.error ?? null,
      durationMs: Date.now() - started,
      bundleHash: fields.bundleHash ?? null,
      ...(state === 'killed' ? { stopped: true } : {}),
      ...(fields.cause !== undefined ? { cause: fields.cause } : {}),
    };
  };
  try {
    const training = ctx.pool.train({ ...ctx.train, params: { ...ctx.fixedParams, ...params } }, { signal, onIteration });
    stopTraining = training.stop;
    const result = await training.result;
    // Pruned at a round the training had already passed when it ended: still pruned there.
    if (prunedAt !== null) throw TRIAL_STOPPED;
    const value = result.validMetrics?.[ctx.metricKey];
    const text = stringifyBundle(result.bundle);
    const ref = await ctx.artifacts.put(Buffer.from(text, 'utf8'));
    await recordTraining(ctx.tracking.bind(run.id), {
      algo: result.algo,
      task: result.task,
      target: ctx.train.target,
      seed: ctx.seed,
      params: { ...ctx.fixedParams, ...params },
      metrics: result.metrics,
      bestIteration: result.bestIteration,
      history: result.history,
      rows: result.rows,
      dataset: ctx.dataset ?? undefined,
      bundle: { path: 'model.kiln.json', hash: ref.hash, size: ref.size },
    });
    if (value === undefined || !Number.isFinite(value)) {
      const error = `the validation ${ctx.metricKey} is ${String(value)} (a validation split with one class?)`;
      return await end('failed', { error, bundleHash: ref.hash, cause: new InputError(error, { field: 'metric' }) });
    }
    await ctx.tracking.logMetrics(run.id, [{ key: 'objective', value, step: 0 }]);
    return await end('complete', { value, bundleHash: ref.hash, ...(result.bestIteration !== undefined ? { bestIteration: result.bestIteration } : {}) });
  } catch (err) {
    // A pruned training stops at its next round; one that ended first still counts as pruned at prunedAt.
    if (prunedAt !== null && !signal.aborted) {
      const key = curveMetricKey(ctx.curve as string);
      const now = Date.now();
      await ctx.tracking.logParams(run.id, { algo: ctx.train.algo ?? 'gbdt', target: ctx.train.target, seed: ctx.seed, ...stringParams({ ...ctx.fixedParams, ...params }) });
      await ctx.tracking.logMetrics(run.id, [...intermediate].map(([step, value]) => ({ key, value, step, timestamp: now })));
      return await end('pruned', { value: intermediate.get(prunedAt) as number });
    }
    if (signal.aborted) return await end('killed', { error: 'the study was stopped' });
    return await end('failed', { error: err instanceof KilnError ? err.message : String((err as Error).message ?? err), cause: err });
  }
}

function stringParams(p: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(p)) out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  return out;
}
