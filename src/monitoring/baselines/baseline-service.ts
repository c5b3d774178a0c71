/**
 * Baselines (`kiln.monitors.baselines`): what monitors compare traffic with, versioned by name in a
 * project. Three sources: a model reference (its bundle's training statistics, no rows), a dataset version
 * `NAME@VERSION`, or a window of an endpoint's capture (joined with feedback, so it carries labels). Row
 * baselines keep up to 100,000 reference rows (a seeded uniform sample beyond that) as a Parquet artifact,
 * so drift runs the exact per-column tests; every baseline keeps its statistics document as a JSON artifact.
 * Both are referenced from `metadata.monitors` (gc keeps them through `monitorArtifactReferences`).
 */
import { join } from 'node:path';
import { NotFoundError, UsageError } from '../../core/errors.js';
import type { Column } from '../../core/frame.js';
import { Frame, int64AsNumeric } from '../../core/frame.js';
import { Rng } from '../../core/rng.js';
import type { DatasetService } from '../../data/datasets/dataset-service.js';
import { readFrame } from '../../data/io/read-frame.js';
import { makeTempDir, removeTempPath } from '../../data/io/temp-space.js';
import { writeFrame } from '../../data/io/write-frame.js';
import { parseBundle } from '../../runtime/bundle.js';
import type { SecurityService } from '../../security/security-service.js';
import type { FeedbackService } from '../../serving/feedback/feedback-service.js';
import type { ModelSource } from '../../serving/model-source.js';
import { referenceKind } from '../../serving/model-source.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { checkEndpointName } from '../../store/endpoint-spec-check.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { BaselineRecord } from '../../store/monitor-repository.js';
import type { Page, PageRequest } from '../../store/page.js';
import { monitorView } from '../monitors/monitor-view.js';
import type { BaselineDocument } from './baseline-document.js';
import { LABEL_COLUMN, baselineFromBundle, baselineFromFrame, parseBaselineDocument } from './baseline-document.js';

/** Where a new baseline comes from: exactly one of the three. */
export interface CreateBaselineInput {
  readonly name: string;
  /** A model reference (`trained:ID`, `NAME@VERSION`, an alias): its training statistics. */
  readonly model?: string;
  /** A registered dataset version `NAME@VERSION`. */
  readonly dataset?: string;
  /** A window of an endpoint's captured traffic (ISO-8601 or epoch ms bounds). */
  readonly capture?: { readonly endpoint: string; readonly from?: string | number; readonly to?: string | number };
}

/** A loaded baseline: its record, statistics and (row baselines) reference rows. */
export interface LoadedBaseline {
  readonly record: BaselineRecord;
  readonly document: BaselineDocument;
  readonly sample: Frame | null;
}

/** What the service needs from the layers below. */
export interface BaselineServiceDeps {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly datasets: DatasetService;
  readonly feedback: FeedbackService;
  readonly models: ModelSource;
  readonly security?: SecurityService;
  readonly memoryBudgetBytes?: number;
}

/** Who acts (audit). */
export interface BaselineActor {
  readonly actor?: string;
  readonly requestId?: string;
  /** Whether a bundle-file model reference is allowed (the CLI: yes; HTTP: never a server path). */
  readonly allowFiles?: boolean;
}

const MAX_SAMPLE_ROWS = 100_000;
const SAMPLE_SEED = 20_240_101;

/** Creates, lists and loads baselines in one project (`default`; `inProject(p)` for another). */
export class BaselineService {
  constructor(private readonly deps: BaselineServiceDeps) {}

  /** The project this service acts in. */
  get project(): string {
    return this.deps.metadata.project;
  }

  /** The same service acting in `project`. */
  inProject(project: string): BaselineService {
    if (project === this.project) return this;
    return new BaselineService({ ...this.deps, metadata: this.deps.metadata.inProject(project), datasets: this.deps.datasets.inProject(project), feedback: this.deps.feedback.inProject(project) });
  }

  /** Store a new version of baseline `name` from one source. */
  async create(input: CreateBaselineInput, who: BaselineActor = {}): Promise<BaselineRecord> {
    if (input === null || typeof input !== 'object') throw new UsageError('a baseline is an object with name and one of model, dataset or capture', { field: 'name' });
    const name = checkEndpointName(input.name, 'name');
    const given = (['model', 'dataset', 'capture'] as const).filter((k) => input[k] !== undefined);
    if (given.length !== 1) throw new UsageError(`a baseline comes from exactly one of model, dataset or capture (got ${given.length === 0 ? 'none' : given.join(' and ')})`, { field: 'model' });
    let document: BaselineDocument;
    let sample: Frame | null = null;
    let source: string;
    const kind = given[0];
    if (kind === 'model') {
      if (typeof input.model !== 'string' || input.model === '') throw new UsageError('model must be a model reference', { field: 'model' });
      source = input.model;
      if (referenceKind(input.model) === 'file' && who.allowFiles !== true) throw new UsageError('model must be a registry reference (NAME@VERSION, NAME@ALIAS) or trained:ID here, not a bundle file', { field: 'model' });
      const resolved = await this.deps.models.resolve(input.model, this.project);
      document = baselineFromBundle(parseBundle(JSON.parse(await resolved.load()) as unknown, input.model));
    } else if (kind === 'dataset') {
      const ref = await this.deps.datasets.resolveReference(input.dataset, 'dataset');
      source = `${ref.dataset?.name ?? String(input.dataset)}@${ref.dataset?.version ?? ''}`;
      sample = int64AsNumeric(await readFrame(ref.path, { ...ref.readOptions, ...(this.deps.memoryBudgetBytes ? { memoryBudgetBytes: this.deps.memoryBudgetBytes } : {}) }));
      if (sample.rowCount === 0) throw new UsageError(`dataset ${source} has no rows`, { field: 'dataset' });
      document = baselineFromFrame(sample);
    } else {
      const c = input.capture;
      if (!c || typeof c !== 'object') throw new UsageError('capture must be an object with endpoint (and from, to)', { field: 'capture' });
      const joined = await this.deps.feedback.joinFeedback({ endpoint: c.endpoint, ...(c.from !== undefined ? { from: c.from } : {}), ...(c.to !== undefined ? { to: c.to } : {}) });
      if (joined.rowCount === 0) throw new UsageError(`endpoint "${c.endpoint}" captured no rows in that window`, { field: 'capture' }, 'Pick a window with traffic (see `kiln endpoints capture`).');
      source = `${c.endpoint}[${c.from === undefined ? '' : new Date(c.from).toISOString()},${c.to === undefined ? '' : new Date(c.to).toISOString()})`;
      sample = captureReferenceFrame(joined);
      document = baselineFromFrame(sample);
    }
    const documentRef = await this.deps.artifacts.put(new TextEncoder().encode(JSON.stringify(document)));
    const sampleHash = sample ? await this.storeSample(sample) : null;
    const record = await this.deps.metadata.monitors.createBaseline({
      name,
      sourceKind: kind,
      source,
      documentHash: documentRef.hash,
      sampleHash,
      rows: document.rows,
      columns: document.columns.map((c) => c.name).slice(0, 2000),
      createdAt: new Date().toISOString(),
      createdBy: who.actor ?? 'local:unknown',
    });
    await this.deps.security?.audit(
      { actor: who.actor ?? 'local:unknown', action: 'monitor.baseline.create', resourceType: 'monitors', resourceId: `${name}@${record.version}`, project: this.project, before: null, after: { source: record.source, sourceKind: kind, rows: record.rows } },
      who.requestId ? { requestId: who.requestId } : {},
    );
    return record;
  }

  /** One version (latest when `version` is null/absent); NotFoundError when absent. */
  async get(name: string, version?: number | null): Promise<BaselineRecord> {
    const b = await this.deps.metadata.monitors.getBaseline(name, version ?? undefined);
    if (!b) throw new NotFoundError(`baseline "${name}${version ? `@${version}` : ''}" not found in project "${this.project}"`, { field: 'baseline', name }, 'Create one with `kiln monitor baseline create`, or list them with `kiln monitor baselines`.');
    return b;
  }

  /** Latest version of every baseline. */
  list(page: PageRequest = {}): Promise<Page<BaselineRecord>> {
    return this.deps.metadata.monitors.listBaselines(page);
  }

  /** The statistics and reference rows of a baseline version. */
  async load(name: string, version?: number | null): Promise<LoadedBaseline> {
    const record = await this.get(name, version);
    const document = parseBaselineDocument(new TextDecoder().decode(await this.deps.artifacts.get(record.documentHash)), `baseline ${name}@${record.version}`);
    const sample = record.sampleHash ? int64AsNumeric(await readFrame(await this.deps.artifacts.materialize(record.sampleHash), { format: 'parquet' })) : null;
    return { record, document, sample };
  }

  private async storeSample(frame: Frame): Promise<string> {
    let rows = frame;
    if (frame.rowCount > MAX_SAMPLE_ROWS) {
      const pick = new Rng(SAMPLE_SEED).permutation(frame.rowCount).subarray(0, MAX_SAMPLE_ROWS).sort();
      rows = frame.take(pick);
    }
    const dir = await makeTempDir('baseline');
    try {
      const file = join(dir, 'sample.parquet');
      await writeFrame(rows, file, { format: 'parquet' });
      return (await this.deps.artifacts.putFile(file)).hash;
    } finally {
      await removeTempPath(dir);
    }
  }
}

/** A capture window as reference rows: inputs, the prediction score and the feedback label (`__label__`). */
export function captureReferenceFrame(joined: Frame): Frame {
  const view = monitorView(joined.drop(['label', 'label_recorded_at'].filter((n) => joined.has(n))), null);
  const label = joined.tryColumn('label');
  const cols: Column[] = [...view.features.columns];
  if (label) cols.push({ ...label, name: LABEL_COLUMN });
  return new Frame(cols, joined.rowCount);
}
