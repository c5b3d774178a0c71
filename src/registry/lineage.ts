/**
 * Lineage, both ways: for a model version, the run that trained it (params, metrics, code commit), the
 * training and evaluation dataset versions and the parent version it retrains; for a dataset version,
 * the runs that read it and the model versions trained or evaluated on it.
 */
import { NotFoundError } from '../core/errors.js';
import { checkDatasetRef } from '../data/datasets/data-ref.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { ModelDatasetRef, ModelEvaluation, ModelVersionRecord } from '../store/model-registry-repository.js';

/** The run behind a version. */
export interface RunLineage {
  readonly id: string;
  readonly experiment: string;
  readonly status: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly params: Record<string, string>;
  readonly metrics: Record<string, number>;
  readonly gitCommit: string | null;
  readonly kilnVersion: string | null;
}

/** Everything a version came from. */
export interface VersionLineage {
  readonly ref: string;
  readonly source: ModelVersionRecord['source'];
  /** Null when the version was not registered from a run, or the run was deleted since (`runMissing`). */
  readonly run: RunLineage | null;
  readonly runMissing: boolean;
  readonly trainingDatasets: readonly ModelDatasetRef[];
  readonly evaluation: ModelEvaluation | null;
  readonly parent: { readonly ref: string; readonly artifactHash: string | null } | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** What was built from a dataset version. */
export interface DatasetLineage {
  readonly dataset: ModelDatasetRef;
  readonly runs: { id: string; experiment: string; status: string; startedAt: string }[];
  readonly modelVersions: { ref: string; project: string; name: string; version: number; role: 'training' | 'evaluation'; stage: string | null; status: string | null }[];
}

/** The lineage of one version. */
export async function versionLineage(metadata: MetadataStore, v: ModelVersionRecord): Promise<VersionLineage> {
  let run: RunLineage | null = null;
  let runMissing = false;
  if (v.source.runId) {
    const r = await metadata.runs.getDetails(v.source.runId);
    if (!r) runMissing = true;
    else {
      run = {
        id: r.id,
        experiment: r.experiment,
        status: r.status,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
        params: r.params,
        metrics: r.metrics,
        gitCommit: typeof r.system.gitCommit === 'string' ? r.system.gitCommit : null,
        kilnVersion: typeof r.system.kilnVersion === 'string' ? r.system.kilnVersion : null,
      };
    }
  }
  let parent: VersionLineage['parent'] = null;
  if (v.parentVersion !== null) {
    const p = await metadata.models.getVersion(v.project, v.name, v.parentVersion);
    parent = { ref: `${v.name}@${v.parentVersion}`, artifactHash: p?.artifactHash ?? null };
  }
  return {
    ref: `${v.name}@${v.version}`,
    source: v.source,
    run,
    runMissing,
    trainingDatasets: v.trainingDatasets,
    evaluation: v.evaluation,
    parent,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
  };
}

/** The runs and model versions of `metadata`'s project built from `NAME@VERSION` (or `NAME@latest`) of that project. */
export async function datasetLineage(metadata: MetadataStore, reference: string): Promise<DatasetLineage> {
  const ref = checkDatasetRef(reference, 'dataset');
  const record = await metadata.datasets.getVersion(ref.name, ref.version);
  if (!record) throw new NotFoundError(`dataset ${ref.name}@${ref.version} not found`, { field: 'dataset', dataset: ref.name }, 'See `kiln data list` for registered datasets.');
  const usage = await metadata.models.datasetUsage(metadata.project, record.name, record.version);
  const runs: DatasetLineage['runs'] = [];
  for (const id of usage.runIds) {
    const r = await metadata.runs.get(id);
    if (r) runs.push({ id: r.id, experiment: r.experiment, status: r.status, startedAt: r.startedAt });
  }
  const modelVersions: DatasetLineage['modelVersions'] = [];
  for (const m of usage.modelVersions) {
    const v = await metadata.models.getVersion(m.project, m.name, m.version);
    modelVersions.push({ ref: `${m.name}@${m.version}`, ...m, stage: v?.stage ?? null, status: v?.status ?? null });
  }
  return { dataset: { name: record.name, version: record.version, hash: record.hash }, runs, modelVersions };
}
