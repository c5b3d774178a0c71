/**
 * The end of a study run: the best trial, parameter importance, the best model written to `out`, recorded
 * as a trained model and linked to the study's run (outputs `bundle` and `model`), the convergence curve
 * `best.objective` (best value among trials 0..n, step n) and the summary tags; then the run ends finished.
 */
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../data/io/temp-space.js';
import type { SearchSpace } from '../../ml/tuning/search-space.js';
import type { LoadedTrainingData } from '../training-service.js';
import { parameterImportance } from './param-importance.js';
import type { TrialOutcome } from './run-trial.js';
import type { StudyServices } from './run-study.js';
import { STUDY_TAGS } from './study-spec.js';
import type { StudySpec } from './study-spec.js';
import type { StopReason, StudyResult } from './study-types.js';

/** What the end of a study needs. */
export interface FinishInput {
  studyRunId: string;
  name: string;
  experiment: string;
  spec: StudySpec;
  space: SearchSpace;
  total: number;
  parallel: number;
  distributed: boolean;
  task: string;
  stop: StopReason;
  outcomes: Map<number, TrialOutcome>;
  out: string | undefined;
  loaded: LoadedTrainingData;
  resumed: boolean;
}

/** Best trial, importance, the model file and record, the study's tags and convergence curve; ends the run. */
export async function finishStudy(services: StudyServices, f: FinishInput): Promise<StudyResult> {
  const { tracking } = services;
  const all = [...f.outcomes.values()].sort((a, b) => a.number - b.number);
  const best = pickBest(all, f.spec.direction);
  const importance = parameterImportance(f.space, all);
  let model: string | null = null;
  let modelId: string | null = null;
  if (best?.bundleHash) {
    if (f.out !== undefined) {
      model = resolve(f.out);
      await writeFileAtomic(model, await services.artifacts.get(best.bundleHash));
    }
    modelId = (await services.training.recordStoredBundle(best.bundleHash, { kind: f.loaded.kind, dataset: f.loaded.dataset })).id;
    await tracking.logOutputs(f.studyRunId, [{ kind: 'bundle', ref: best.bundleHash }, { kind: 'model', ref: modelId }]);
  }
  // Convergence: the best value among trials 0..n, by trial number.
  const curve: { key: string; value: number; step: number }[] = [];
  let bestSoFar: number | null = null;
  for (const t of all) {
    if (t.state === 'complete' && t.value !== null && (bestSoFar === null || (f.spec.direction === 'maximize' ? t.value > bestSoFar : t.value < bestSoFar))) bestSoFar = t.value;
    if (bestSoFar !== null) curve.push({ key: 'best.objective', value: bestSoFar, step: t.number });
  }
  if (curve.length > 0) await tracking.logMetrics(f.studyRunId, curve);
  await tracking.setTags(f.studyRunId, {
    [STUDY_TAGS.stopReason]: f.stop,
    [STUDY_TAGS.importance]: JSON.stringify(importance),
    [STUDY_TAGS.bestRunId]: best?.runId ?? null,
    [STUDY_TAGS.bestValue]: best?.value !== null && best?.value !== undefined ? String(best.value) : null,
  });
  const ended = await tracking.endRun(f.studyRunId, 'finished');
  return {
    study: {
      id: f.studyRunId,
      runId: f.studyRunId,
      name: f.name,
      experiment: f.experiment,
      status: ended.status,
      algo: f.spec.algo,
      task: f.task,
      metric: f.spec.metric,
      direction: f.spec.direction,
      sampler: f.spec.sampler,
      pruner: f.spec.pruner,
      seed: f.spec.seed,
      parallel: f.parallel,
      distributed: f.distributed,
      budget: f.total,
      space: f.spec.space,
      defaultSpace: f.spec.defaultSpace,
      resumed: f.resumed,
      stopReason: f.stop,
    },
    trials: all,
    best: best ? { runId: best.runId, number: best.number, value: best.value as number, params: best.params } : null,
    model,
    modelId,
    importance,
  };
}

/** The complete trial with the best value (ties: the lower number). */
export function pickBest(trials: readonly TrialOutcome[], direction: 'maximize' | 'minimize'): TrialOutcome | null {
  let best: TrialOutcome | null = null;
  for (const t of trials) {
    if (t.state !== 'complete' || t.value === null || !Number.isFinite(t.value)) continue;
    if (!best || (direction === 'maximize' ? t.value > (best.value as number) : t.value < (best.value as number)) || (t.value === best.value && t.number < best.number)) best = t;
  }
  return best;
}

