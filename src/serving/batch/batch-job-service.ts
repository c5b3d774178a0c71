/**
 * `BatchJobService` (`kiln.batchJobs`): `kiln batch` as a job — the one implementation behind
 * `POST /v1/batch-jobs`, `GET /v1/batch-jobs[/{id}[/output]]` and `kiln batch --async`. Everything a
 * client can get wrong is checked at submit (4xx then, not a failed job later): the model reference is
 * resolved and pinned (`NAME@ALIAS` -> `NAME@VERSION`), the dataset version must exist, an import path
 * must lie under the import root, and the output dataset name must be valid.
 */
import type { Readable } from 'node:stream';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { checkDatasetName } from '../../data/datasets/data-ref.js';
import type { DatasetService } from '../../data/datasets/dataset-service.js';
import { resolveImportPath } from '../../data/datasets/import-root.js';
import type { JobActor, JobService } from '../../jobs/job-service.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { JobError, JobRecord, JobStatus } from '../../store/job-repository.js';
import type { Page, PageRequest } from '../../store/page.js';
import type { ModelSource } from '../model-source.js';
import type { BatchJobPayload, BatchJobResult } from './batch-job.js';
import { BATCH_JOB_KIND, parseBatchJobPayload } from './batch-job.js';

/** A batch job as clients see it. */
export interface BatchJobView {
  readonly id: string;
  readonly status: JobStatus;
  readonly progress: number;
  readonly progressMessage: string | null;
  readonly request: BatchJobPayload;
  readonly result: BatchJobResult | null;
  readonly error: JobError | null;
  readonly createdAt: string;
  readonly endedAt: string | null;
}

/** Batch inference jobs. */
export class BatchJobService {
  constructor(
    private readonly jobs: JobService,
    private readonly datasets: DatasetService,
    private readonly models: ModelSource,
    private readonly artifacts: ArtifactStore,
    private readonly importRoot: string | undefined,
  ) {}

  /** Check and queue a batch job. */
  async submit(project: string, request: unknown, who: JobActor = {}): Promise<BatchJobView> {
    const p = parseBatchJobPayload(request);
    const model = await this.models.resolve(p.model, project);
    if (p.dataset !== undefined) await this.datasets.inProject(project).show(p.dataset);
    if (p.import !== undefined) await resolveImportPath(this.importRoot, p.import, 'import');
    if (p.outputDataset !== undefined) checkDatasetName(p.outputDataset);
    if (p.chunk !== undefined && (p.chunk < 1 || p.chunk > 10_000_000)) throw new UsageError('chunk must be from 1 to 10000000 rows', { field: 'chunk' });
    if (p.workers !== undefined && (p.workers < 0 || p.workers > 8)) throw new UsageError('workers must be from 0 to 8', { field: 'workers' });
    const payload: BatchJobPayload = { ...p, model: model.key };
    const job = await this.jobs.submit({ kind: BATCH_JOB_KIND, project, payload: payload as unknown as Record<string, string> }, who);
    return view(job);
  }

  /** Batch jobs of a project, newest first. */
  async list(project: string, page: PageRequest = {}): Promise<Page<BatchJobView>> {
    const jobs = await this.jobs.list({ project, kind: BATCH_JOB_KIND, page });
    return { items: jobs.items.map(view), next: jobs.next };
  }

  /** One batch job (404 for another kind or project). */
  async get(project: string, id: string): Promise<BatchJobView> {
    return view(await this.job(project, id));
  }

  /** The output Parquet of a finished job, streamed (404 until it succeeded). */
  async output(project: string, id: string): Promise<{ stream: Readable; bytes: number }> {
    const job = await this.job(project, id);
    const result = job.result as unknown as BatchJobResult | null;
    if (job.status !== 'succeeded' || !result) throw new NotFoundError(`batch job ${id} has no output (it is ${job.status})`, { field: 'id', status: job.status }, 'Poll GET /v1/batch-jobs/{id} until it succeeded.');
    return { stream: await this.artifacts.openReadStream(result.output), bytes: result.outputBytes };
  }

  private async job(project: string, id: string): Promise<JobRecord> {
    let job: JobRecord | null = null;
    try {
      job = await this.jobs.get(id, project);
    } catch (err) {
      if (!(err instanceof NotFoundError) && !(err instanceof UsageError)) throw err;
    }
    if (!job || job.kind !== BATCH_JOB_KIND) throw new NotFoundError(`batch job "${id.slice(0, 100)}" not found in project "${project}"`, { field: 'id' }, 'List batch jobs with GET /v1/batch-jobs.');
    return job;
  }
}

function view(job: JobRecord): BatchJobView {
  return {
    id: job.id,
    status: job.status,
    progress: job.progress,
    progressMessage: job.progressMessage,
    request: job.payload as unknown as BatchJobPayload,
    result: job.result as unknown as BatchJobResult | null,
    error: job.error,
    createdAt: job.createdAt,
    endedAt: job.endedAt,
  };
}
