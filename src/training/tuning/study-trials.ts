/**
 * Reading a study's trials back from tracking (what a resumed study rebuilds its sampler from): every
 * child run of the study's run with its number, state, parameters (the exact JSON of the tag, not the
 * stringified params), objective value, pruning curve and bundle. Trials a dead process left `running`
 * are marked killed here; their numbers are asked again. Finished trials are never re-run.
 */
import { KilnError } from '../../core/errors.js';
import type { ParamValues } from '../../ml/tuning/search-space.js';
import type { TrialState } from '../../ml/tuning/sampler.js';
import type { RunSummary } from '../../store/run-repository.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import type { TrialOutcome } from './run-trial.js';
import { STUDY_TAGS } from './study-spec.js';

const ENDED_STATES: readonly string[] = ['complete', 'pruned', 'failed'];

/** Every child run of a study's run, oldest first. */
export async function studyChildRuns(tracking: TrackingService, studyRunId: string): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  let cursor: string | null = null;
  do {
    const page = await tracking.searchRuns({ filter: `parentId = "${studyRunId}"`, orderBy: 'startedAt asc', page: { limit: 1000, cursor } });
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

/** Marks a study's `running` or `queued` trials killed (their process is gone); returns how many. */
export async function killOrphanTrials(tracking: TrackingService, children: readonly RunSummary[], reason = 'the process running the study stopped before this trial ended'): Promise<number> {
  let n = 0;
  for (const run of children) {
    if (run.status !== 'running' && run.status !== 'queued') continue;
    try {
      await tracking.setTags(run.id, { [STUDY_TAGS.trialState]: 'killed', [STUDY_TAGS.error]: reason });
      await tracking.endRun(run.id, 'killed');
      n++;
    } catch (err) {
      // Ended meanwhile by the process that ran it (a cancelled trial job ends its own run killed): nothing left to do.
      if (!(err instanceof KilnError && err.code === 'conflict')) throw err;
    }
  }
  return n;
}

/** The ended trials (complete, pruned, failed) among a study's children, one per number. */
export async function loadEndedTrials(tracking: TrackingService, children: readonly RunSummary[], curveKey: string | null): Promise<TrialOutcome[]> {
  const byNumber = new Map<number, TrialOutcome>();
  for (const run of children) {
    const state = run.tags[STUDY_TAGS.trialState];
    const number = Number(run.tags[STUDY_TAGS.trial]);
    if (run.status === 'running' || run.status === 'queued' || !ENDED_STATES.includes(state) || !Number.isSafeInteger(number) || number < 0 || byNumber.has(number)) continue;
    const params = parseParams(run.tags[STUDY_TAGS.trialParams]);
    if (!params) continue;
    const view = await tracking.getRun(run.id);
    const intermediate = new Map<number, number>();
    if (curveKey) for (const p of view.series[curveKey] ?? []) intermediate.set(p.step, p.value);
    const prunedAt = run.tags[STUDY_TAGS.prunedAt] !== undefined ? Number(run.tags[STUDY_TAGS.prunedAt]) : null;
    const value = state === 'complete' ? (run.metrics.objective ?? null) : state === 'pruned' && prunedAt !== null ? (intermediate.get(prunedAt) ?? null) : null;
    const bundle = view.artifacts.find((a) => a.path === 'model.kiln.json');
    byNumber.set(number, {
      number,
      params,
      state: state as TrialState,
      value,
      intermediate,
      runId: run.id,
      bestIteration: run.tags.bestIteration !== undefined ? Number(run.tags.bestIteration) : null,
      prunedAt,
      error: run.tags[STUDY_TAGS.error] ?? null,
      durationMs: typeof run.system.durationMs === 'number' ? run.system.durationMs : 0,
      bundleHash: state === 'complete' && bundle ? bundle.hash : null,
    });
  }
  return [...byNumber.values()].sort((a, b) => a.number - b.number);
}

function parseParams(text: string | undefined): ParamValues | null {
  if (text === undefined) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as ParamValues) : null;
  } catch {
    return null;
  }
}
