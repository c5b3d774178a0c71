/**
 * `RegistryService` (`kiln.registry`): registered models with immutable versions made from a run's bundle,
 * a bundle file or raw bytes (`registerVersion`, the entry point importers use); reference resolution
 * (`NAME@VERSION | @ALIAS | @production | @latest`) for everyone that takes a model; aliases moved by
 * compare-and-set; stages (one production version per model unless forced); approvals; gates that a
 * version must pass before it becomes production or champion unless overridden with a reason; lineage and
 * model cards. Every change is an audit entry (actor, action, before, after) under resource type `models`
 * with the model name as resource id, so `kiln audit list --resource models:NAME` is a model's history.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ConflictError, InputError, InternalError, NotFoundError, UsageError } from '../core/errors.js';
import { sha256Hex } from '../core/sha256.js';
import type { DatasetService } from '../data/datasets/dataset-service.js';
import type { ModelBundle } from '../runtime/bundle-types.js';
import { parseBundle } from '../runtime/bundle.js';
import { createScorer } from '../runtime/scorer.js';
import type { Scorer } from '../runtime/scorer.js';
import type { Principal } from '../security/permissions.js';
import { authorize } from '../security/permissions.js';
import type { AuditContext, SecurityService } from '../security/security-service.js';
import { localPrincipal } from '../security/local-principal.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { ExpectedVersion, ModelEvaluation, ModelVersionRecord, RegisteredModelRecord, VersionStage } from '../store/model-registry-repository.js';
import { MODEL_FORMATS, VERSION_STAGES } from '../store/model-registry-repository.js';
import type { Page, PageRequest } from '../store/page.js';
import { evaluateBundle } from './evaluate-bundle.js';
import { evaluateGates } from './gate-evaluation.js';
import type { GateContext, GateReport } from './gate-evaluation.js';
import { checkGatePolicy } from './gate-policy.js';
import type { GatePolicy } from './gate-policy.js';
import { datasetLineage, versionLineage } from './lineage.js';
import type { DatasetLineage, VersionLineage } from './lineage.js';
import { buildModelCard } from './model-card.js';
import type { ModelCard } from './model-card.js';
import { checkAliasName, checkModelName, parseModelRef, selectorText } from './model-ref.js';
import { bundleOfRun } from './run-bundle.js';
import type { ActorOptions, ModelDetails, OverrideOptions, RegisterBytesRequest, RegisterOptions, ResolvedModel } from './registry-types.js';

export type { ActorOptions, ModelDetails, OverrideOptions, RegisterBytesRequest, RegisterOptions, ResolvedModel } from './registry-types.js';

const MAX_DESCRIPTION = 8000;

/** The model registry over the metadata and artifact stores. */
export class RegistryService {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly datasets: DatasetService,
    private readonly security: SecurityService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The project this service acts in unless a call names another (`default` unless `inProject` chose one). */
  get project(): string {
    return this.metadata.project;
  }

  /** The same service acting in `project` (whether it exists is the caller's check: `security.requireProject`). */
  inProject(project: string): RegistryService {
    return project === this.project ? this : new RegistryService(this.metadata.inProject(project), this.artifacts, this.datasets.inProject(project), this.security, this.now);
  }

  /** Resolves a reference to one version (a single indexed query); NotFoundError when nothing matches. */
  async resolve(ref: string, project = this.project): Promise<ResolvedModel> {
    const v = await this.resolveRecord(ref, project);
    return { name: v.name, version: v.version, ref: `${v.name}@${v.version}`, format: v.format, artifactHash: v.artifactHash, stage: v.stage, status: v.status, aliases: v.aliases };
  }

  /** The version a reference names, with its aliases. */
  async resolveRecord(ref: string, project = this.project): Promise<ModelVersionRecord & { aliases: string[] }> {
    const parsed = parseModelRef(ref, 'ref');
    const v = await this.metadata.models.resolve(project, parsed.name, parsed.selector);
    if (v) return v;
    const model = await this.metadata.models.getModel(project, parsed.name);
    if (!model) throw new NotFoundError(`model ${parsed.name} is not registered`, { field: 'ref', model: parsed.name }, 'List models with `kiln models list`.');
    throw new NotFoundError(`model ${parsed.name} has no version ${selectorText(parsed.selector)}`, { field: 'ref', model: parsed.name, selector: selectorText(parsed.selector) }, `See \`kiln models versions ${parsed.name}\` and \`kiln models show ${parsed.name}\`.`);
  }

  /** The stored bytes of a version (any format), verified against the recorded checksum. */
  async loadArtifact(ref: string, project = this.project): Promise<{ model: ResolvedModel; bytes: Uint8Array }> {
    const model = await this.resolve(ref, project);
    const bytes = await this.artifacts.get(model.artifactHash).catch((err: unknown) => {
      if (err instanceof NotFoundError) throw new NotFoundError(`the artifact of ${model.ref} is missing from the artifact store (${this.artifacts.location})`, { ref: model.ref });
      throw err;
    });
    return { model, bytes };
  }

  /** The parsed, checksum-verified Kiln bundle of a version (`resolve` first to learn which version). */
  async loadBundle(ref: string, project = this.project): Promise<ModelBundle> {
    const { model, bytes } = await this.loadArtifact(ref, project);
    if (model.format !== 'kiln-bundle') throw new UsageError(`${model.ref} is an ${model.format} model, not a Kiln bundle`, { field: 'ref', format: model.format }, 'ONNX models are scored through ONNX Runtime (kiln models import/export).');
    const record = await this.metadata.models.getVersion(project, model.name, model.version);
    const bundle = parseBundle(Buffer.from(bytes).toString('utf8'), model.ref);
    if (record && bundle.checksum !== record.checksum) throw new InternalError(`the stored bundle of ${model.ref} does not match the checksum recorded at registration`, { ref: model.ref });
    return bundle;
  }

  /** Registers the bundle a run recorded (`kiln train` stores it as the run's `bundle` output). */
  async registerFromRun(runId: string, opts: RegisterOptions): Promise<ModelVersionRecord> {
    if (typeof runId !== 'string' || runId.length === 0 || runId.length > 200) throw new UsageError('run must be a run id', { field: 'run' });
    checkModelName(opts.name);
    const fromRun = await bundleOfRun(this.metadata.inProject(opts.project ?? this.project), this.artifacts, runId);
    return this.registerVersion({ ...opts, ...fromRun, format: 'kiln-bundle', runId });
  }

  /** Registers a bundle file (trusted callers: the CLI); its checksum is verified before anything is stored. */
  async registerFromFile(path: string, opts: RegisterOptions): Promise<ModelVersionRecord> {
    checkModelName(opts.name);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch {
      throw new NotFoundError(`bundle file not found: ${path}`, { field: 'file', file: path }, 'Pass the file written by `kiln train --out`.');
    }
    return this.registerVersion({ ...opts, bytes, format: 'kiln-bundle', sourceLabel: basename(path) });
  }

  /**
   * Registers bytes as the next version of `name` (created when new). A `kiln-bundle` is parsed and its
   * checksum verified first (corrupt or unknown format version: InputError, nothing stored); `onnx` bytes
   * are stored as given — the importer validates them before calling.
   */
  async registerVersion(req: RegisterBytesRequest): Promise<ModelVersionRecord> {
    const project = req.project ?? this.project;
    const name = checkModelName(req.name);
    if (!MODEL_FORMATS.includes(req.format)) throw new UsageError(`format must be one of ${MODEL_FORMATS.join(', ')}`, { field: 'format' });
    if (req.description !== undefined && (typeof req.description !== 'string' || req.description.length > MAX_DESCRIPTION)) throw new UsageError(`description must be at most ${MAX_DESCRIPTION} characters`, { field: 'description' });
    if (!(req.bytes instanceof Uint8Array) || req.bytes.length === 0) throw new InputError('the model file is empty', { field: 'file' });
    const actor = req.actor ?? localPrincipal();
    authorize(actor, 'models:write', { project, resourceName: name });
    const label = req.runId ? `bundle of run ${req.runId}` : (req.sourceLabel ?? 'bundle');
    let checksum = sha256Hex(req.bytes);
    let bundle: ModelBundle | null = null;
    if (req.format === 'kiln-bundle') {
      bundle = parseBundle(Buffer.from(req.bytes).toString('utf8'), label);
      checksum = bundle.checksum;
    }
    let evaluation: ModelEvaluation | null = req.evaluation ?? (bundle ? { dataset: null, split: 'training-report', metrics: finite(bundle.metadata.metrics) } : null);
    if (req.evaluationDataset !== undefined) {
      if (!bundle) throw new UsageError('evaluationDataset needs a Kiln bundle (ONNX models are evaluated by their importer)', { field: 'evaluationDataset' });
      const data = await this.datasets.inProject(project).resolveReference(req.evaluationDataset, 'evaluationDataset');
      const metrics = await evaluateBundle(createScorer(bundle, label), data.path, data.readOptions, req.evaluationDataset);
      evaluation = { dataset: data.dataset, split: 'full', metrics: finite(metrics) };
    }
    if (req.parentVersion !== undefined && !(await this.metadata.models.getVersion(project, name, req.parentVersion))) {
      throw new NotFoundError(`parent version ${name}@${req.parentVersion} does not exist`, { field: 'parentVersion' }, `See \`kiln models versions ${name}\`.`);
    }
    const stored = await this.artifacts.put(req.bytes);
    const at = this.now().toISOString();
    const created = await this.metadata.transaction(async (tx) => {
      await tx.models.ensureModel({ project, name, createdAt: at, createdBy: actor.actor });
      return tx.models.createVersion({
        project,
        name,
        format: req.format,
        artifactHash: stored.hash,
        checksum,
        size: stored.size,
        source: { kind: req.runId ? 'run' : req.sourceLabel !== undefined ? 'file' : 'bytes', runId: req.runId ?? null, file: req.sourceLabel ?? null },
        description: req.description ?? null,
        tags: req.tags ?? {},
        task: bundle?.signature.task ?? null,
        algorithm: bundle?.metadata.algo ?? null,
        evaluation,
        trainingDatasets: [...(req.trainingDatasets ?? [])],
        parentVersion: req.parentVersion ?? null,
        createdAt: at,
        createdBy: actor.actor,
      });
    });
    await this.audit(actor, 'model.register', created, null, created, req.auditContext);
    return created;
  }

  /** Models of a project, by name. */
  listModels(page: PageRequest = {}, project = this.project): Promise<Page<RegisteredModelRecord>> {
    return this.metadata.models.listModels(project, page);
  }

  /** One model with its aliases and (up to 20) newest versions. */
  async showModel(name: string, project = this.project): Promise<ModelDetails> {
    checkModelName(name);
    const model = await this.metadata.models.getModel(project, name);
    if (!model) throw new NotFoundError(`model ${name} is not registered`, { field: 'name', model: name }, 'List models with `kiln models list`.');
    const aliases = (await this.metadata.models.listAliases(project, name)).map((a) => ({ alias: a.alias, version: a.version }));
    const versions = (await this.metadata.models.listVersions(project, name, { limit: 20 })).items;
    return { ...model, aliases, versions };
  }

  /** Versions of a model, newest first. */
  listVersions(name: string, page: PageRequest = {}, project = this.project): Promise<Page<ModelVersionRecord>> {
    checkModelName(name);
    return this.metadata.models.listVersions(project, name, page);
  }

  /**
   * Points `alias` at the version `ref` names. With `expectedVersion` (null: the alias must not exist) the
   * move is a compare-and-set: of two concurrent moves expecting the same target exactly one wins; the
   * loser gets a ConflictError, and both attempts are audited. The champion alias is gated.
   */
  async setAlias(ref: string, alias: string, opts: OverrideOptions & { expectedVersion?: ExpectedVersion } = {}): Promise<{ name: string; alias: string; before: number | null; after: number; gates?: GateReport }> {
    const project = opts.project ?? this.project;
    checkAliasName(alias);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== null && (!Number.isSafeInteger(opts.expectedVersion) || opts.expectedVersion < 1)) throw new UsageError('expectedVersion must be a positive integer or null', { field: 'expectedVersion' });
    const v = await this.resolveRecord(ref, project);
    const actor = opts.actor ?? localPrincipal();
    authorize(actor, 'models:write', { project, resourceName: v.name });
    const policy = await this.policyOf(project, v.name);
    let gates: GateReport | undefined;
    if (alias === (policy?.champion?.alias ?? 'champion')) {
      if (v.status === 'rejected') throw new ConflictError(`${v.name}@${v.version} was rejected; it cannot become ${alias}`, { field: 'ref', status: v.status });
      gates = await this.enforceGates(v, policy, `become ${alias}`, actor, opts);
    }
    try {
      const change = await this.metadata.models.setAlias(project, v.name, alias, v.version, opts.expectedVersion, this.now().toISOString(), actor.actor);
      await this.audit(actor, 'model.alias.set', v, { alias, version: change.before }, { alias, version: change.after }, opts.auditContext);
      return { name: v.name, alias, before: change.before, after: v.version, ...(gates ? { gates } : {}) };
    } catch (err) {
      if (err instanceof ConflictError) await this.audit(actor, 'model.alias.conflict', v, { alias, expected: opts.expectedVersion ?? null, current: err.details.current ?? null }, { alias, version: v.version, refused: err.message }, opts.auditContext);
      throw err;
    }
  }

  /** Removes an alias (compare-and-set with `expectedVersion`). */
  async removeAlias(name: string, alias: string, opts: ActorOptions & { expectedVersion?: ExpectedVersion } = {}): Promise<{ name: string; alias: string; before: number | null }> {
    const project = opts.project ?? this.project;
    checkModelName(name);
    checkAliasName(alias);
    const actor = opts.actor ?? localPrincipal();
    authorize(actor, 'models:write', { project, resourceName: name });
    const change = await this.metadata.models.removeAlias(project, name, alias, opts.expectedVersion);
    await this.security.audit({ actor: actor.actor, action: 'model.alias.remove', resourceType: 'models', resourceId: name, project, before: { alias, version: change.before }, after: null }, opts.auditContext);
    return { name, alias, before: change.before };
  }

  /** Moves a version to a stage. Production needs approval and passing gates (or an override with a reason); other production versions are archived unless `force`. */
  async setStage(ref: string, stage: string, opts: OverrideOptions & { force?: boolean } = {}): Promise<{ name: string; version: number; before: VersionStage; after: VersionStage; archived: number[]; gates?: GateReport }> {
    const project = opts.project ?? this.project;
    if (!(VERSION_STAGES as readonly string[]).includes(stage)) throw new UsageError(`stage must be one of ${VERSION_STAGES.join(', ')} (got ${JSON.stringify(String(stage).slice(0, 40))})`, { field: 'stage' });
    const v = await this.resolveRecord(ref, project);
    const actor = opts.actor ?? localPrincipal();
    authorize(actor, 'models:write', { project, resourceName: v.name });
    let gates: GateReport | undefined;
    if (stage === 'production') {
      if (v.status !== 'approved') throw new ConflictError(`${v.name}@${v.version} is ${v.status}; only approved versions go to production`, { field: 'ref', status: v.status }, `Approve it first: kiln models approve ${v.name}@${v.version}.`);
      gates = await this.enforceGates(v, await this.policyOf(project, v.name), 'go to production', actor, opts);
    }
    const change = await this.metadata.models.setStage(project, v.name, v.version, stage as VersionStage, !opts.force);
    await this.audit(actor, 'model.stage', v, { stage: change.before }, { stage: change.after, archived: change.archived, force: Boolean(opts.force) }, opts.auditContext);
    return { name: v.name, ...change, ...(gates ? { gates } : {}) };
  }

  /** Approves a version (`models:admin`), recording actor, time and comment. */
  approve(ref: string, opts: ActorOptions & { comment?: string } = {}): Promise<ModelVersionRecord> {
    return this.decide(ref, 'approved', opts);
  }

  /** Rejects a version (`models:admin`). */
  reject(ref: string, opts: ActorOptions & { comment?: string } = {}): Promise<ModelVersionRecord> {
    return this.decide(ref, 'rejected', opts);
  }

  /** Evaluates the model's gates for a version (no side effects). */
  async gate(ref: string, project = this.project): Promise<GateReport> {
    const v = await this.resolveRecord(ref, project);
    return evaluateGates(this.gateContext(project), v, await this.policyOf(project, v.name), this.now());
  }

  /** Sets (or, with null, clears) a model's gate policy; checked first. */
  async setGatePolicy(name: string, policy: unknown, opts: ActorOptions = {}): Promise<GatePolicy | null> {
    const project = opts.project ?? this.project;
    checkModelName(name);
    const checked = policy === null ? null : checkGatePolicy(policy);
    const actor = opts.actor ?? localPrincipal();
    authorize(actor, 'models:admin', { project, resourceName: name });
    const before = await this.metadata.models.getModel(project, name);
    if (!before) throw new NotFoundError(`model ${name} is not registered`, { field: 'name', model: name }, 'Register a version first (kiln models register).');
    await this.metadata.models.updateModel(project, name, { gatePolicy: checked as Record<string, unknown> | null, updatedAt: this.now().toISOString() });
    await this.security.audit({ actor: actor.actor, action: 'model.policy', resourceType: 'models', resourceId: name, project, before: before.gatePolicy, after: checked }, opts.auditContext);
    return checked;
  }

  /** The gate policy of a model, or null. */
  async policyOf(project: string, name: string): Promise<GatePolicy | null> {
    const model = await this.metadata.models.getModel(project, name);
    return model?.gatePolicy ? checkGatePolicy(model.gatePolicy) : null;
  }

  /** Sets a model's description and/or tags (null deletes a tag). */
  async updateModel(name: string, patch: { description?: string; tags?: Record<string, string | null> }, opts: ActorOptions = {}): Promise<RegisteredModelRecord> {
    const project = opts.project ?? this.project;
    checkModelName(name);
    const actor = opts.actor ?? localPrincipal();
    authorize(actor, 'models:write', { project, resourceName: name });
    const before = await this.metadata.models.getModel(project, name);
    if (!before) throw new NotFoundError(`model ${name} is not registered`, { field: 'name', model: name }, 'List models with `kiln models list`.');
    const tags: Record<string, string> = { ...before.tags };
    for (const [k, v] of Object.entries(patch.tags ?? {})) {
      if (v === null) delete tags[k];
      else tags[k] = v;
    }
    const after = await this.metadata.models.updateModel(project, name, { tags, ...(patch.description !== undefined ? { description: patch.description } : {}), updatedAt: this.now().toISOString() });
    await this.security.audit({ actor: actor.actor, action: 'model.update', resourceType: 'models', resourceId: name, project, before: { description: before.description, tags: before.tags }, after: { description: after.description, tags: after.tags } }, opts.auditContext);
    return after;
  }

  /** Sets tags (and/or the description) of a version; null deletes a tag. */
  async tagVersion(ref: string, tags: Record<string, string | null>, opts: ActorOptions & { description?: string } = {}): Promise<ModelVersionRecord> {
    const project = opts.project ?? this.project;
    const v = await this.resolveRecord(ref, project);
    const actor = opts.actor ?? localPrincipal();
    authorize(actor, 'models:write', { project, resourceName: v.name });
    const next: Record<string, string> = { ...v.tags };
    for (const [k, val] of Object.entries(tags)) {
      if (val === null) delete next[k];
      else next[k] = val;
    }
    const updated = await this.metadata.models.updateVersion(project, v.name, v.version, { tags: next, ...(opts.description !== undefined ? { description: opts.description } : {}) });
    await this.audit(actor, 'model.tag', v, { tags: v.tags, description: v.description }, { tags: updated.tags, description: updated.description }, opts.auditContext);
    return updated;
  }

  /** Deletes a version; refused while an alias or the staging/production stage points at it. */
  async deleteVersion(ref: string, opts: ActorOptions = {}): Promise<ModelVersionRecord> {
    const project = opts.project ?? this.project;
    const parsed = parseModelRef(ref, 'ref');
    if (parsed.selector.kind !== 'version') throw new UsageError('delete takes a pinned NAME@VERSION, never an alias, stage or latest', { field: 'ref' });
    const actor = opts.actor ?? localPrincipal();
    authorize(actor, 'models:delete', { project, resourceName: parsed.name });
    const deleted = await this.metadata.models.deleteVersion(project, parsed.name, parsed.selector.version);
    await this.audit(actor, 'model.delete', deleted, deleted, null, opts.auditContext);
    return deleted;
  }

  /** Where a version came from: run, params, metrics, datasets, commit, parent. */
  async lineage(ref: string, project = this.project): Promise<VersionLineage> {
    return versionLineage(this.metadata.inProject(project), await this.resolveRecord(ref, project));
  }

  /** The runs and model versions built from a dataset version (`NAME@VERSION`). */
  datasetLineage(reference: string, project = this.project): Promise<DatasetLineage> {
    return datasetLineage(this.metadata.inProject(project), reference);
  }

  /** The model card of a version (JSON; `renderModelCardMarkdown` for Markdown). */
  async card(ref: string, project = this.project): Promise<ModelCard> {
    const v = await this.resolveRecord(ref, project);
    const model = await this.metadata.models.getModel(project, v.name);
    if (!model) throw new InternalError(`model ${v.name} vanished while its card was built`);
    const bundle = v.format === 'kiln-bundle' ? await this.loadBundle(`${v.name}@${v.version}`, project) : null;
    return buildModelCard(model, v, v.aliases, bundle, await versionLineage(this.metadata.inProject(project), v), await this.metadata.models.listApprovals(project, v.name, v.version));
  }

  /** The approval history of a model or one version. */
  approvals(name: string, version?: number, project = this.project): ReturnType<MetadataStore['models']['listApprovals']> {
    return this.metadata.models.listApprovals(project, checkModelName(name), version);
  }

  /** The context gate evaluation, lineage and model cards use. */
  gateContext(project: string): GateContext {
    return { metadata: this.metadata.inProject(project), artifacts: this.artifacts, datasets: this.datasets.inProject(project), scorerOf: (v) => this.scorerOf(v, project) };
  }

  private async scorerOf(v: ModelVersionRecord, project: string): Promise<Scorer> {
    const bundle = await this.loadBundle(`${v.name}@${v.version}`, project);
    return createScorer(bundle, `${v.name}@${v.version}`);
  }

  private async decide(ref: string, decision: 'approved' | 'rejected', opts: ActorOptions & { comment?: string }): Promise<ModelVersionRecord> {
    const project = opts.project ?? this.project;
    if (opts.comment !== undefined && (typeof opts.comment !== 'string' || opts.comment.length > MAX_DESCRIPTION)) throw new UsageError(`comment must be at most ${MAX_DESCRIPTION} characters`, { field: 'comment' });
    const v = await this.resolveRecord(ref, project);
    const actor = opts.actor ?? localPrincipal();
    authorize(actor, 'models:admin', { project, resourceName: v.name });
    const updated = await this.metadata.models.recordApproval(project, v.name, { version: v.version, decision, actor: actor.actor, at: this.now().toISOString(), comment: opts.comment ?? null });
    await this.audit(actor, decision === 'approved' ? 'model.approve' : 'model.reject', v, { status: v.status }, { status: updated.status, comment: opts.comment ?? null }, opts.auditContext);
    return updated;
  }

  /** Evaluates gates; a failure throws unless overridden (admin + reason), which is recorded and audited. */
  private async enforceGates(v: ModelVersionRecord, policy: GatePolicy | null, what: string, actor: Principal, opts: OverrideOptions): Promise<GateReport> {
    const project = v.project;
    if (opts.override && (typeof opts.reason !== 'string' || opts.reason.trim() === '')) throw new UsageError('--override needs --reason TEXT saying why the gate is waived', { field: 'reason' });
    const report = await evaluateGates(this.gateContext(project), v, policy, this.now());
    if (report.passed) return report;
    const failed = report.checks.filter((c) => !c.passed);
    if (!opts.override) {
      throw new ConflictError(
        `${v.name}@${v.version} fails ${failed.length} gate(s), so it cannot ${what}: ${failed.map((c) => `${c.name} (${c.message})`).join('; ')}`,
        { field: 'ref', failed: failed.map((c) => ({ gate: c.gate, name: c.name, message: c.message })) },
        'Fix the model, or pass --override --reason TEXT (needs models:admin; audited).',
      );
    }
    authorize(actor, 'models:admin', { project, resourceName: v.name });
    const reason = (opts.reason ?? '').trim();
    await this.metadata.models.recordApproval(project, v.name, { version: v.version, decision: 'override', actor: actor.actor, at: this.now().toISOString(), comment: `${what}: ${reason}` });
    await this.audit(actor, 'model.gate.override', v, { gates: failed }, { reason, action: what }, opts.auditContext);
    return report;
  }

  private async audit(actor: Principal, action: string, v: ModelVersionRecord, before: unknown, after: unknown, ctx?: AuditContext): Promise<void> {
    await this.security.audit({ actor: actor.actor, action, resourceType: 'models', resourceId: v.name, project: v.project, before: withRef(v, before), after: withRef(v, after) }, ctx);
  }
}

function withRef(v: ModelVersionRecord, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return { ref: `${v.name}@${v.version}`, ...(typeof value === 'object' ? (value as object) : { value }) };
}

function finite(metrics: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}
