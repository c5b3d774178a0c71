/**
 * `TrainingService`: trains a model from a registered dataset version, a local file or a Frame, off the
 * caller's event loop (a worker thread, abortable), stores the sealed bundle in the artifact store and
 * records it in `metadata.trainedModels`, so tracking and the registry have something to point at.
 * `out` also writes a copy of the bundle, atomically. The CLI (`kiln train`) and the HTTP API
 * (`POST /v1/train`) both call `train`.
 */
import type { Principal } from '../security/permissions.js';
import type { AuditContext, SecurityService } from '../security/security-service.js';
import { localPrincipal } from '../security/security-service.js';
import { randomUUID } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, InternalError, KilnError, NotFoundError, UsageError } from '../core/errors.js';
import type { Frame } from '../core/frame.js';
import type { DatasetService } from '../data/datasets/dataset-service.js';
import { readFrame } from '../data/io/read-frame.js';
import type { ReadOptions } from '../data/io/read-options.js';
import { resolveAlgorithm } from '../ml/train/train-model.js';
import type { TrainResult } from '../ml/train/train-model.js';
import { parseBundle, sealBundle, stringifyBundle } from '../runtime/bundle.js';
import type { ModelBundle } from '../runtime/bundle-types.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { FeatureLineage } from '../tracking/feature-lineage.js';
import { readFeatureLineage } from '../tracking/feature-lineage.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { TrainedModelDataset, TrainedModelPage, TrainedModelQuery, TrainedModelRecord, TrainingSourceKind } from '../store/trained-model-repository.js';
import { KILN_VERSION } from '../version.js';
import { writePending } from './atomic-write.js';
import type { PendingFile } from './atomic-write.js';
import { trainInWorker } from './train-in-worker.js';
import { checkTrainSpec } from './train-request.js';
import type { TrainingData, TrainRequest } from './train-request.js';

/** Machine limits the service trains within. */
export interface TrainingLimits {
  /** `KILN_MEMORY_BUDGET`: the loaded table may take a third of it (training holds about three copies). */
  readonly memoryBudgetBytes: number;
  /** Default `numThreads` for threaded algorithms. */
  readonly threads: number;
}

/** Progress and cancellation of one run. */
export interface TrainRunOptions {
  readonly signal?: AbortSignal;
  /** Who trains (audit log); default: the local OS user. */
  readonly actor?: Principal;
  /** Request id and source address for the audit entry. */
  readonly auditContext?: AuditContext;
  readonly onIteration?: (iteration: number, metrics: Record<string, number>) => void;
  readonly onStage?: (stage: string) => void;
}

/** What `train` returns: the stored record and the run's report. */
export interface TrainingOutcome {
  readonly model: TrainedModelRecord;
  readonly task: TrainResult['task'];
  readonly algo: string;
  readonly metrics: Record<string, number>;
  readonly bestIteration: number | null;
  readonly rows: TrainResult['rows'];
  readonly features: readonly string[];
  readonly cv?: TrainResult['cv'];
  readonly warnings: readonly string[];
  /** The bundle's own checksum (sha256 of its canonical JSON). */
  readonly checksum: string;
  /** Where the copy was written, when `out` was given. */
  readonly out?: string;
  /** Per-iteration evaluation curves by split (algorithms that iterate: GBDT), for tracking. */
  readonly history?: TrainResult['history'];
  /** The feature lineage of a training-set file (its `.lineage.json` sidecar), for tracking. */
  readonly featureLineage?: FeatureLineage;
}

/** Training data loaded once: the Frame, where it came from, and the dataset version when registered. */
export interface LoadedTrainingData {
  readonly frame: Frame;
  readonly kind: TrainingSourceKind;
  readonly dataset: TrainedModelDataset | null;
  /** From the file's `.lineage.json` sidecar when it is a feature-store training set. */
  readonly featureLineage?: FeatureLineage | null;
}

/** Share of the memory budget the loaded table may use. */
const TABLE_SHARE = 3;

/** Model training over the dataset service and the metadata and artifact ports. */
export class TrainingService {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly datasets: DatasetService,
    private readonly limits: TrainingLimits,
    /** Records each trained model in the audit log when given. */
    private readonly security?: SecurityService,
  ) {}

  /** The project models are recorded in and datasets resolved from (`default` unless `inProject` chose another). */
  get project(): string {
    return this.metadata.project;
  }

  /** The same service acting in `project`, datasets included (another project's models and datasets are unknown there). */
  inProject(project: string): TrainingService {
    return project === this.project ? this : new TrainingService(this.metadata.inProject(project), this.artifacts, this.datasets.inProject(project), this.limits, this.security);
  }

  /** Train, store the bundle and record the model. Rejects with the signal's reason when aborted. */
  async train(request: TrainRequest, run: TrainRunOptions = {}): Promise<TrainingOutcome> {
    checkTrainSpec(request);
    // Everything that can be checked without the data fails here, before a worker starts.
    resolveAlgorithm({ algo: request.algo, params: request.params, numThreads: this.limits.threads });
    const out = request.out !== undefined ? await this.checkOut(request) : undefined;
    const source = await this.load(request.data);
    if (!source.frame.has(request.target)) {
      const names = source.frame.names;
      throw new InputError(`target column "${request.target}" not found`, { field: 'target', column: request.target }, `Columns are: ${names.slice(0, 30).join(', ')}${names.length > 30 ? ', …' : ''}`);
    }
    run.signal?.throwIfAborted();
    const result = await trainInWorker(
      source.frame,
      {
        target: request.target,
        ...(request.algo !== undefined ? { algo: request.algo } : {}),
        ...(request.task !== undefined ? { task: request.task } : {}),
        ...(request.params !== undefined ? { params: request.params } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.testFraction !== undefined ? { testFraction: request.testFraction } : {}),
        ...(request.validFraction !== undefined ? { validFraction: request.validFraction } : {}),
        ...(request.cv !== undefined ? { cv: request.cv } : {}),
        ...(request.group !== undefined ? { group: request.group } : {}),
        ...(request.exclude !== undefined ? { exclude: request.exclude } : {}),
        ...(request.positiveClass !== undefined ? { positiveClass: request.positiveClass } : {}),
        ...(source.dataset ? { dataHash: source.dataset.hash } : {}),
        kilnVersion: KILN_VERSION,
        numThreads: this.limits.threads,
      },
      { signal: run.signal, onIteration: run.onIteration, onStage: run.onStage, moveFrame: source.kind !== 'frame' },
    );
    // The training set's feature lineage is sealed into the bundle (immutable, unlike a run tag).
    const bundle = source.featureLineage ? withFeatureLineage(result.bundle, source.featureLineage) : result.bundle;
    const text = stringifyBundle(bundle);
    // The copy is written (under a temp name) before anything is recorded, so a bad `out` leaves no record.
    const pending = out ? await this.writeCopy(out, text) : undefined;
    try {
      const artifact = await this.artifacts.put(Buffer.from(text, 'utf8'));
      const model = await this.metadata.trainedModels.create({
        id: randomUUID(),
        artifactHash: artifact.hash,
        algorithm: result.algo,
        task: result.task,
        target: request.target,
        sourceKind: source.kind,
        dataset: source.dataset,
        params: bundle.metadata.params,
        metrics: Object.fromEntries(Object.entries(result.metrics).filter(([, v]) => Number.isFinite(v))),
        createdAt: new Date().toISOString(),
      });
      await pending?.commit();
      if (this.security) {
        const actor = run.actor ?? localPrincipal();
        await this.security.audit(
          { actor: actor.actor, action: 'model.train', resourceType: 'models', resourceId: model.id, project: this.project, before: null, after: { id: model.id, artifactHash: model.artifactHash, algorithm: model.algorithm, target: model.target, dataset: model.dataset, metrics: model.metrics } },
          run.auditContext,
        );
      }
      return {
        model,
        task: result.task,
        algo: result.algo,
        metrics: result.metrics,
        bestIteration: result.bestIteration ?? null,
        rows: result.rows,
        features: result.features,
        ...(result.cv ? { cv: result.cv } : {}),
        warnings: result.warnings,
        checksum: bundle.checksum,
        ...(out ? { out } : {}),
        ...(result.history ? { history: result.history } : {}),
        ...(source.featureLineage ? { featureLineage: source.featureLineage } : {}),
      };
    } catch (err) {
      await pending?.discard();
      throw err;
    }
  }

  /** One trained model (NotFoundError when unknown). */
  async get(id: string): Promise<TrainedModelRecord> {
    const model = await this.metadata.trainedModels.get(id);
    if (!model) throw new NotFoundError(`trained model "${id}" not found`, { field: 'id', id }, 'List trained models with GET /v1/trained-models.');
    return model;
  }

  /** Trained models, newest first, keyset-paged. */
  list(query: TrainedModelQuery = {}): Promise<TrainedModelPage> {
    return this.metadata.trainedModels.list(query);
  }

  /** The bundle text of a trained model. */
  async bundle(id: string): Promise<string> {
    const model = await this.get(id);
    return Buffer.from(await this.artifacts.get(model.artifactHash)).toString('utf8');
  }

  /** Threads a training may use (tuning splits them between parallel trials). */
  get threads(): number {
    return this.limits.threads;
  }

  /** Loads training data once, within the memory budget, with its lineage (tuning trains many times on it). */
  loadData(data: TrainingData): Promise<LoadedTrainingData> {
    return this.load(data);
  }

  /**
   * Records an already-stored bundle (a tuning study's best trial) as a trained model, audited like a
   * training; the record's fields come from the bundle itself.
   */
  async recordStoredBundle(artifactHash: string, source: Omit<LoadedTrainingData, 'frame'>, actor: Principal = localPrincipal()): Promise<TrainedModelRecord> {
    const bundle = parseBundle(Buffer.from(await this.artifacts.get(artifactHash)).toString('utf8'));
    const model = await this.metadata.trainedModels.create({
      id: randomUUID(),
      artifactHash,
      algorithm: bundle.metadata.algo,
      task: bundle.signature.task,
      target: bundle.signature.target,
      sourceKind: source.kind,
      dataset: source.dataset,
      params: bundle.metadata.params,
      metrics: Object.fromEntries(Object.entries(bundle.metadata.metrics).filter(([, v]) => Number.isFinite(v))),
      createdAt: new Date().toISOString(),
    });
    if (this.security) {
      await this.security.audit({ actor: actor.actor, action: 'model.train', resourceType: 'models', resourceId: model.id, project: this.project, before: null, after: { id: model.id, artifactHash, algorithm: model.algorithm, target: model.target, dataset: model.dataset, metrics: model.metrics } });
    }
    return model;
  }

  private async load(input: TrainingData): Promise<LoadedTrainingData> {
    const data = input as Partial<{ dataset: unknown; file: unknown; frame: unknown; readOptions: ReadOptions }>;
    const budget = Math.floor(this.limits.memoryBudgetBytes / TABLE_SHARE);
    if (data.dataset !== undefined) {
      // References only (the resolver untrusted HTTP requests go through): never a path on this machine.
      const ref = await this.datasets.resolveReference(data.dataset, 'dataset');
      const frame = await withBudgetHint(readFrame(ref.path, { ...ref.readOptions, memoryBudgetBytes: budget }), this.limits.memoryBudgetBytes);
      return { frame, kind: 'dataset', dataset: { ...ref.dataset } };
    }
    if (typeof data.file === 'string') {
      const frame = await withBudgetHint(readFrame(data.file, { ...data.readOptions, memoryBudgetBytes: budget }), this.limits.memoryBudgetBytes);
      return { frame, kind: 'file', dataset: null, featureLineage: await readFeatureLineage(data.file) };
    }
    if (data.frame && typeof data.frame === 'object' && 'columns' in data.frame) return { frame: data.frame as Frame, kind: 'frame', dataset: null };
    throw new UsageError('data must be one of {dataset: "NAME@VERSION"}, {file: PATH} or {frame: Frame}', { field: 'dataset' });
  }

  /** The absolute output path; refuses one that is the input file itself. */
  private async checkOut(request: TrainRequest): Promise<string> {
    if (typeof request.out !== 'string' || request.out.length === 0) throw new UsageError('out must be a file path', { field: 'out' });
    const out = resolve(request.out);
    if (await isDirectory(out)) throw new UsageError(`out is a folder, not a file: ${request.out}`, { field: 'out', file: out }, 'Name the bundle file, e.g. model.kiln.json.');
    const input = 'file' in request.data ? request.data.file : undefined;
    if (input !== undefined) {
      const [a, b] = await Promise.all([realOrSelf(out), realOrSelf(resolve(input))]);
      if (a === b) throw new UsageError(`out would overwrite the training data ${input}`, { field: 'out', file: input }, 'Write the model bundle to another file.');
    }
    return out;
  }

  private async writeCopy(out: string, text: string): Promise<PendingFile> {
    try {
      return await writePending(out, text);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EIO' || code === 'EDQUOT') throw new InternalError(`could not write ${out}: ${(err as Error).message}`, { field: 'out' }, { cause: err });
      throw new UsageError(`out cannot be written: ${out} (${code ?? (err as Error).message})`, { field: 'out', file: out }, 'Pick a file in an existing, writable folder.');
    }
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function realOrSelf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

/** Over-budget reads name the variable that raises the budget. */
async function withBudgetHint(read: Promise<Frame>, budgetBytes: number): Promise<Frame> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof KilnError && err.code === 'input' && err.details.budgetBytes !== undefined) {
      const gib = (budgetBytes / 1024 ** 3).toFixed(1);
      throw new InputError(err.message, { ...err.details, field: 'dataset' }, `Training may load a third of KILN_MEMORY_BUDGET (now ${gib} GiB); raise it, e.g. KILN_MEMORY_BUDGET=16GiB, or train on a sample.`);
    }
    throw err;
  }
}

/** `bundle` with `metadata.featureLineage` set, re-sealed (the checksum covers it). */
function withFeatureLineage(bundle: ModelBundle, lineage: FeatureLineage): ModelBundle {
  const { checksum: _old, ...rest } = bundle;
  return sealBundle({ ...rest, metadata: { ...rest.metadata, featureLineage: lineage } });
}
