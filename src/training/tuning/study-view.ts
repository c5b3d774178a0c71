/**
 * Reading studies back from tracking (what `GET /v1/studies...` answers): the list of a project's studies,
 * one study as the `kiln tune --json` document (rebuilt from its runs, so it works while the study runs and
 * for studies run by any process), and every trial run of a study with its state. A run id that is not a
 * study is a NotFoundError, like an unknown one.
 */
import { KilnError, NotFoundError } from '../../core/errors.js';
import type { Direction } from '../../ml/tuning/sampler.js';
import type { RunSummary } from '../../store/run-repository.js';
import type { PageRequest } from '../../store/page.js';
import type { RunView, TrackingService } from '../../tracking/tracking-service.js';
import { parseSpaceForAlgorithm } from './algorithm-spaces.js';
import { parameterImportance } from './param-importance.js';
import { curveMetricKey } from './run-trial.js';
import { pickBest } from './study-finish.js';
import { parseStoredSpec, STUDY_TAGS } from './study-spec.js';
import type { StudySpec } from './study-spec.js';
import { loadEndedTrials, studyChildRuns } from './study-trials.js';
import type { StopReason, StudyResult } from './study-types.js';
import { tuningMetric } from './tuning-metric.js';

/** One study in a list. */
export interface StudySummary {
  readonly id: string;
  readonly name: string;
  readonly experiment: string;
  /** The study run's status: running, finished, failed, killed. */
  readonly status: string;
  readonly algo: string | null;
  readonly metric: string | null;
  readonly direction: string | null;
  readonly sampler: string | null;
  readonly pruner: string | null;
  readonly budget: number | null;
  readonly parallel: number | null;
  readonly distributed: boolean;
  readonly best: { readonly runId: string; readonly value: number } | null;
  readonly stopReason: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
}

/** A trial run as `GET /v1/studies/{id}/trials` lists it (running and killed ones included). */
export interface TrialSummary {
  readonly number: number;
  readonly runId: string;
  /** complete, pruned, failed, killed, or running. */
  readonly state: string;
  readonly status: string;
  readonly value: number | null;
  readonly params: Record<string, unknown>;
  readonly bestIteration: number | null;
  readonly prunedAt: number | null;
  readonly error: string | null;
  readonly job: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
}

/** Studies of the tracking service's project, newest first (optionally of one experiment). */
export async function listStudies(tracking: TrackingService, options: { experiment?: string; page?: PageRequest } = {}): Promise<{ studies: StudySummary[]; next: string | null }> {
  const page = await tracking.searchRuns({ filter: `tags.\`${STUDY_TAGS.study}\` like "%"`, ...(options.experiment ? { experiments: [options.experiment] } : {}), ...(options.page ? { page: options.page } : {}) });
  return { studies: page.items.filter((r) => r.parentId === null).map(studySummary), next: page.next };
}

/** The `kiln tune --json` document of a study as tracking has it now (`model` is null: a path is the writer's). */
export async function getStudyDocument(tracking: TrackingService, id: string): Promise<StudyResult> {
  const { run, spec } = await studyRun(tracking, id);
  const children = await studyChildRuns(tracking, run.id);
  const task = run.tags[STUDY_TAGS.task] ?? children.find((c) => c.params.task !== undefined)?.params.task ?? (spec.task === 'auto' ? null : spec.task);
  const curve = spec.algo === 'gbdt' && task !== null ? (tuningMetric(spec.metric).curve[task as 'binary'] ?? null) : null;
  const trials = await loadEndedTrials(tracking, children, curve ? curveMetricKey(curve) : null);
  const best = pickBest(trials, spec.direction);
  let importance: Record<string, number> = {};
  try {
    importance = parameterImportance(parseSpaceForAlgorithm(spec.space, spec.algo, spec.params), trials);
  } catch (err) {
    // A space stored by an older Kiln that this one reads differently: no importance rather than no study.
    if (!(err instanceof KilnError)) throw err;
  }
  const modelId = run.outputs.find((o) => o.kind === 'model')?.ref ?? null;
  return {
    study: {
      id: run.id,
      runId: run.id,
      name: run.tags[STUDY_TAGS.study] ?? run.name ?? run.id,
      experiment: run.experiment,
      status: run.status,
      algo: spec.algo,
      task: task ?? spec.task,
      metric: spec.metric,
      direction: spec.direction as Direction,
      sampler: spec.sampler,
      pruner: spec.pruner,
      seed: spec.seed,
      parallel: intTag(run, STUDY_TAGS.parallel) ?? 1,
      distributed: run.tags[STUDY_TAGS.distributed] === 'true',
      budget: intTag(run, STUDY_TAGS.trials) ?? trials.length,
      space: spec.space,
      defaultSpace: spec.defaultSpace,
      resumed: false,
      // Null while the study runs (or when it was stopped before it chose one).
      stopReason: (run.tags[STUDY_TAGS.stopReason] ?? null) as StopReason,
    },
    trials,
    best: best ? { runId: best.runId, number: best.number, value: best.value as number, params: best.params } : null,
    model: null,
    modelId,
    importance,
  };
}

/** Every trial run of a study (all attempts), by number then start. */
export async function listStudyTrials(tracking: TrackingService, id: string): Promise<TrialSummary[]> {
  const { run } = await studyRun(tracking, id);
  const children = await studyChildRuns(tracking, run.id);
  const out: TrialSummary[] = [];
  for (const c of children) {
    const number = Number(c.tags[STUDY_TAGS.trial]);
    if (!Number.isSafeInteger(number)) continue;
    const state = c.status === 'running' || c.status === 'queued' ? 'running' : (c.tags[STUDY_TAGS.trialState] ?? c.status);
    const prunedAt = c.tags[STUDY_TAGS.prunedAt] !== undefined ? Number(c.tags[STUDY_TAGS.prunedAt]) : null;
    // A pruned trial's value is its curve at the pruning round: the curve's last point.
    const curveValue = Object.entries(c.metrics).find(([k]) => k.startsWith('valid.'))?.[1];
    const value = state === 'complete' ? (c.metrics.objective ?? null) : state === 'pruned' ? (curveValue ?? null) : null;
    out.push({
      number,
      runId: c.id,
      state,
      status: c.status,
      value: value !== null && Number.isFinite(value) ? value : null,
      params: parseJsonObject(c.tags[STUDY_TAGS.trialParams]),
      bestIteration: c.tags.bestIteration !== undefined ? Number(c.tags.bestIteration) : null,
      prunedAt,
      error: c.tags[STUDY_TAGS.error] ?? null,
      job: c.tags[STUDY_TAGS.trialJob] ?? null,
      startedAt: c.startedAt,
      endedAt: c.endedAt,
    });
  }
  return out.sort((a, b) => a.number - b.number || a.startedAt.localeCompare(b.startedAt));
}

/** The study's run and spec; NotFoundError when `id` is no run, or a run that is not a study. */
export async function studyRun(tracking: TrackingService, id: string): Promise<{ run: RunView; spec: StudySpec }> {
  const run = await tracking.getRun(id).catch((err: unknown) => {
    if (err instanceof KilnError && err.code === 'not_found') throw notAStudy(id);
    throw err;
  });
  if (run.tags[STUDY_TAGS.study] === undefined || run.parentId !== null) throw notAStudy(id);
  return { run, spec: parseStoredSpec(run.tags[STUDY_TAGS.spec], run.id) };
}

function notAStudy(id: string): NotFoundError {
  return new NotFoundError(`study ${id} does not exist`, { field: 'id', id }, 'List studies with GET /v1/studies; a study id is its run id.');
}

function studySummary(r: RunSummary): StudySummary {
  const bestValue = r.tags[STUDY_TAGS.bestValue] !== undefined ? Number(r.tags[STUDY_TAGS.bestValue]) : NaN;
  const bestRun = r.tags[STUDY_TAGS.bestRunId];
  return {
    id: r.id,
    name: r.tags[STUDY_TAGS.study],
    experiment: r.experiment,
    status: r.status,
    algo: r.tags[STUDY_TAGS.algo] ?? null,
    metric: r.tags[STUDY_TAGS.metric] ?? null,
    direction: r.tags[STUDY_TAGS.direction] ?? null,
    sampler: r.tags[STUDY_TAGS.sampler] ?? null,
    pruner: r.tags[STUDY_TAGS.pruner] ?? null,
    budget: intTag(r, STUDY_TAGS.trials),
    parallel: intTag(r, STUDY_TAGS.parallel),
    distributed: r.tags[STUDY_TAGS.distributed] === 'true',
    best: bestRun !== undefined && Number.isFinite(bestValue) ? { runId: bestRun, value: bestValue } : null,
    stopReason: r.tags[STUDY_TAGS.stopReason] ?? null,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
  };
}

function intTag(r: RunSummary, key: string): number | null {
  const v = Number(r.tags[key]);
  return r.tags[key] !== undefined && Number.isSafeInteger(v) ? v : null;
}

function parseJsonObject(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
