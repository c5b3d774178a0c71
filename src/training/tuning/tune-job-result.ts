/**
 * The JSON document of a finished study: what `kiln tune --json` prints and what a `tune` job stores as its
 * result, one shape for both. Only type imports, so that the CLI can load it without the tuning code.
 */
import type { StudyResult } from './study-types.js';

/** The `kiln tune --json` document (and the `tune` job's result). */
export function studyJson(r: StudyResult) {
  return {
    study: r.study,
    trials: r.trials.map((t) => ({
      number: t.number,
      runId: t.runId,
      parentId: r.study.runId,
      state: t.state,
      value: t.value,
      params: t.params,
      bestIteration: t.bestIteration,
      prunedAt: t.prunedAt,
      error: t.error,
      durationMs: t.durationMs,
    })),
    best: r.best,
    model: r.model,
    modelId: r.modelId,
    importance: r.importance,
    space: r.study.space,
  };
}
