/**
 * What registering a run needs from tracking: the bundle `kiln train` recorded (the run's `bundle`
 * output, stored in the artifact store), the dataset versions it read, and its test metrics as the
 * evaluation on the held-out split of the first of them (`holdout(seed=N)`: two runs with the same data
 * version and seed share the split, so their stored metrics are comparable).
 */
import { ConflictError, InputError, NotFoundError, UsageError } from '../core/errors.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { ModelDatasetRef, ModelEvaluation } from '../store/model-registry-repository.js';

/** The bundle bytes, training datasets and evaluation of a run. */
export interface RunBundle {
  readonly bytes: Uint8Array;
  readonly trainingDatasets: ModelDatasetRef[];
  readonly evaluation: ModelEvaluation;
}

/** Reads a run's bundle and facts; NotFoundError for a missing run, InputError for a run without a bundle. */
export async function bundleOfRun(metadata: MetadataStore, artifacts: ArtifactStore, runId: string): Promise<RunBundle> {
  if (typeof runId !== 'string' || runId.length === 0 || runId.length > 200) throw new UsageError('run must be a run id', { field: 'run' });
  const run = await metadata.runs.getDetails(runId);
  if (!run) throw new NotFoundError(`run '${runId}' does not exist`, { field: 'run', runId }, 'List runs with `kiln runs list`.');
  if (run.status !== 'finished') throw new ConflictError(`run '${runId}' is ${run.status}; only finished runs are registered`, { field: 'run', runId, status: run.status }, 'Wait for the run to finish, or register a bundle file.');
  const out = run.outputs.find((o) => o.kind === 'bundle');
  if (!out) throw new InputError(`run '${runId}' recorded no model bundle`, { field: 'run', runId }, 'Register a run made by `kiln train`, or pass --file BUNDLE.');
  const bytes = await artifacts.get(out.ref).catch((err: unknown) => {
    if (err instanceof NotFoundError) throw new NotFoundError(`the bundle of run '${runId}' is missing from the artifact store`, { field: 'run', runId });
    throw err;
  });
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(run.metrics)) if (k.startsWith('test.') && Number.isFinite(v)) metrics[k.slice(5)] = v;
  const input = run.inputs[0];
  const seed = run.params.seed;
  return {
    bytes,
    trainingDatasets: run.inputs.map((i) => ({ name: i.name, version: i.version, hash: i.hash })),
    evaluation: { dataset: input ? { name: input.name, version: input.version, hash: input.hash } : null, split: seed !== undefined ? `holdout(seed=${seed})` : 'holdout', metrics },
  };
}
