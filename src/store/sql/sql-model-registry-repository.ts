/**
 * Dialect-agnostic SQL implementation of the model registry repository (Kysely). Every write takes the
 * model row's lock first with a no-op `update ... returning` (PostgreSQL blocks a concurrent writer of
 * the same model there; SQLite transactions already hold the write lock), then reads and writes inside
 * the same transaction: version numbers never collide, an alias compare-and-set sees the winner's commit,
 * and one-production-per-model holds. Resolution is one indexed query (a join over primary keys).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, InternalError, NotFoundError, UsageError } from '../../core/errors.js';
import type {
  AliasChange,
  DatasetUsage,
  ExpectedVersion,
  ModelAliasRecord,
  ModelApprovalRecord,
  ModelDatasetRef,
  ModelRegistryRepository,
  ModelVersionRecord,
  NewModelVersion,
  NewRegisteredModel,
  RegisteredModelRecord,
  ResolvedModelVersion,
  StageChange,
  StoredGatePolicy,
  VersionSelector,
  VersionStage,
  VersionStatus,
  ModelFormat,
  ModelEvaluation,
} from '../model-registry-repository.js';
import { MODEL_FORMATS, VERSION_STAGES } from '../model-registry-repository.js';
import type { Page, PageRequest } from '../page.js';
import { decodeCursor, pageLimit, toPage } from '../page.js';
import type { KilnDatabase, ModelVersionsTable, RegisteredModelsTable } from './kiln-database.js';

const MODELS_LIST = 'registered-models';
const VERSIONS_LIST = 'model-versions';
/** Longest name, alias, tag key or label the repository stores. */
const MAX_NAME = 256;
/** Longest description or comment. */
const MAX_TEXT = 64 * 1024;

/** Model registry repository over any Kysely connection or transaction. */
export class SqlModelRegistryRepository implements ModelRegistryRepository {
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly inTransaction: boolean,
  ) {}

  private tx<T>(fn: (trx: Kysely<KilnDatabase>) => Promise<T>): Promise<T> {
    return this.inTransaction ? fn(this.db) : this.db.transaction().execute(fn);
  }

  /** Locks the model's row for the transaction; NotFoundError when the model does not exist. */
  private async lockModel(trx: Kysely<KilnDatabase>, project: string, name: string): Promise<Selectable<RegisteredModelsTable>> {
    const row = await trx
      .updateTable('registered_models')
      .set((eb) => ({ latest_version: eb.ref('latest_version') }))
      .where('project', '=', project)
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw modelNotFound(project, name);
    return row;
  }

  async ensureModel(model: NewRegisteredModel): Promise<RegisteredModelRecord> {
    checkKey(model.project, 'project');
    checkKey(model.name, 'name');
    checkText(model.description ?? null, 'description');
    const tags = tagsJson(model.tags ?? {});
    const existing = await this.getModel(model.project, model.name);
    if (existing) return existing;
    // ON CONFLICT DO NOTHING, not a caught unique violation: inside a PostgreSQL transaction a failed
    // insert would abort the whole transaction (two first registrations of one model race here).
    await this.db
      .insertInto('registered_models')
      .values({
        project: model.project,
        name: model.name,
        description: model.description ?? null,
        tags_json: tags,
        gate_policy_json: null,
        latest_version: 0,
        created_at: model.createdAt,
        created_by: model.createdBy,
        updated_at: model.createdAt,
      })
      .onConflict((oc) => oc.columns(['project', 'name']).doNothing())
      .execute();
    const created = await this.getModel(model.project, model.name);
    if (!created) throw new InternalError(`model ${model.name} vanished while being created`);
    return created;
  }

  async getModel(project: string, name: string): Promise<RegisteredModelRecord | null> {
    checkKey(project, 'project');
    checkKey(name, 'name');
    const row = await this.db.selectFrom('registered_models').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return row ? toModel(row) : null;
  }

  async listModels(project: string, page: PageRequest = {}): Promise<Page<RegisteredModelRecord>> {
    checkKey(project, 'project');
    const limit = pageLimit(page.limit);
    let q = this.db.selectFrom('registered_models').selectAll().where('project', '=', project);
    if (page.cursor != null) {
      const [after] = decodeCursor(MODELS_LIST, page.cursor, ['string'] as const);
      q = q.where('name', '>', after);
    }
    const rows = await q.orderBy('name').limit(limit + 1).execute();
    return toPage(rows, limit, toModel, (m) => [m.name], MODELS_LIST);
  }

  async updateModel(project: string, name: string, patch: { description?: string | null; tags?: Record<string, string>; gatePolicy?: StoredGatePolicy | null; updatedAt: string }): Promise<RegisteredModelRecord> {
    if (patch.description !== undefined) checkText(patch.description, 'description');
    const tags = patch.tags !== undefined ? tagsJson(patch.tags) : undefined;
    const policy = patch.gatePolicy === undefined ? undefined : patch.gatePolicy === null ? null : jsonText(patch.gatePolicy, 'gatePolicy');
    return this.tx(async (trx) => {
      await this.lockModel(trx, project, name);
      await trx
        .updateTable('registered_models')
        .set({
          updated_at: patch.updatedAt,
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(tags !== undefined ? { tags_json: tags } : {}),
          ...(policy !== undefined ? { gate_policy_json: policy } : {}),
        })
        .where('project', '=', project)
        .where('name', '=', name)
        .execute();
      const row = await trx.selectFrom('registered_models').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirstOrThrow();
      return toModel(row);
    });
  }

  async createVersion(v: NewModelVersion): Promise<ModelVersionRecord> {
    checkNewVersion(v);
    const tags = tagsJson(v.tags ?? {});
    const evaluation = v.evaluation === null ? null : jsonText(v.evaluation, 'evaluation');
    const training = jsonText(v.trainingDatasets, 'trainingDatasets');
    return this.tx(async (trx) => {
      const model = await this.lockModel(trx, v.project, v.name);
      const version = Number(model.latest_version) + 1;
      if (v.parentVersion !== null) {
        const parent = await trx.selectFrom('model_versions').select('version').where('project', '=', v.project).where('model_name', '=', v.name).where('version', '=', v.parentVersion).executeTakeFirst();
        if (!parent) throw new NotFoundError(`parent version ${v.name}@${v.parentVersion} does not exist`, { field: 'parentVersion' });
      }
      await trx
        .insertInto('model_versions')
        .values({
          project: v.project,
          model_name: v.name,
          version,
          format: v.format,
          artifact_hash: v.artifactHash,
          checksum: v.checksum,
          size: v.size,
          source_kind: v.source.kind,
          source_run_id: v.source.runId,
          source_file: v.source.file,
          status: 'pending',
          stage: 'none',
          description: v.description ?? null,
          tags_json: tags,
          task: v.task,
          algorithm: v.algorithm,
          evaluation_json: evaluation,
          training_datasets_json: training,
          parent_version: v.parentVersion,
          created_at: v.createdAt,
          created_by: v.createdBy,
        })
        .execute();
      const links = [
        ...v.trainingDatasets.map((d) => ({ role: 'training', d })),
        ...(v.evaluation?.dataset ? [{ role: 'evaluation', d: v.evaluation.dataset }] : []),
      ];
      const seen = new Set<string>();
      for (const { role, d } of links) {
        const key = `${role}\0${d.name}\0${d.version}`;
        if (seen.has(key)) continue;
        seen.add(key);
        await trx
          .insertInto('model_version_datasets')
          .values({ project: v.project, model_name: v.name, version, role, dataset_name: d.name, dataset_version: d.version, dataset_hash: d.hash })
          .execute();
      }
      await trx.updateTable('registered_models').set({ latest_version: version, updated_at: v.createdAt }).where('project', '=', v.project).where('name', '=', v.name).execute();
      const row = await trx.selectFrom('model_versions').selectAll().where('project', '=', v.project).where('model_name', '=', v.name).where('version', '=', version).executeTakeFirstOrThrow();
      return toVersion(row);
    });
  }

  async getVersion(project: string, name: string, version: number): Promise<ModelVersionRecord | null> {
    checkKey(project, 'project');
    checkKey(name, 'name');
    checkVersion(version, 'version');
    const row = await this.db.selectFrom('model_versions').selectAll().where('project', '=', project).where('model_name', '=', name).where('version', '=', version).executeTakeFirst();
    return row ? toVersion(row) : null;
  }

  async listVersions(project: string, name: string, page: PageRequest = {}): Promise<Page<ModelVersionRecord>> {
    const limit = pageLimit(page.limit);
    if (!(await this.getModel(project, name))) throw modelNotFound(project, name);
    let q = this.db.selectFrom('model_versions').selectAll().where('project', '=', project).where('model_name', '=', name);
    if (page.cursor != null) {
      const [before] = decodeCursor(VERSIONS_LIST, page.cursor, ['number'] as const);
      q = q.where('version', '<', before);
    }
    const rows = await q.orderBy('version', 'desc').limit(limit + 1).execute();
    return toPage(rows, limit, toVersion, (v) => [v.version], VERSIONS_LIST);
  }

  async resolve(project: string, name: string, selector: VersionSelector): Promise<ResolvedModelVersion | null> {
    checkKey(project, 'project');
    checkKey(name, 'name');
    let q = this.db
      .selectFrom('model_versions as v')
      .leftJoin('model_aliases as a', (join) => join.onRef('a.project', '=', 'v.project').onRef('a.model_name', '=', 'v.model_name').onRef('a.version', '=', 'v.version'))
      .selectAll('v')
      .select('a.alias as alias_name')
      .where('v.project', '=', project)
      .where('v.model_name', '=', name);
    switch (selector.kind) {
      case 'version':
        checkVersion(selector.version, 'version');
        q = q.where('v.version', '=', selector.version);
        break;
      case 'alias':
        checkKey(selector.alias, 'alias');
        q = q.where('v.version', '=', (eb) => eb.selectFrom('model_aliases as s').select('s.version').where('s.project', '=', project).where('s.model_name', '=', name).where('s.alias', '=', selector.alias));
        break;
      case 'stage':
        q = q.where('v.version', '=', (eb) =>
          eb.selectFrom('model_versions as s').select((e) => e.fn.max('s.version').as('m')).where('s.project', '=', project).where('s.model_name', '=', name).where('s.stage', '=', selector.stage),
        );
        break;
      case 'latest':
        q = q.where('v.version', '=', (eb) => eb.selectFrom('model_versions as s').select((e) => e.fn.max('s.version').as('m')).where('s.project', '=', project).where('s.model_name', '=', name));
        break;
    }
    const rows = await q.orderBy('a.alias').execute();
    if (rows.length === 0) return null;
    const aliases = rows.map((r) => r.alias_name).filter((a): a is string => a !== null);
    return { ...toVersion(rows[0]), aliases };
  }

  async updateVersion(project: string, name: string, version: number, patch: { description?: string | null; tags?: Record<string, string> }): Promise<ModelVersionRecord> {
    if (patch.description !== undefined) checkText(patch.description, 'description');
    const tags = patch.tags !== undefined ? tagsJson(patch.tags) : undefined;
    return this.tx(async (trx) => {
      await this.lockModel(trx, project, name);
      await requireVersion(trx, project, name, version);
      if (patch.description !== undefined || tags !== undefined) {
        await trx
          .updateTable('model_versions')
          .set({ ...(patch.description !== undefined ? { description: patch.description } : {}), ...(tags !== undefined ? { tags_json: tags } : {}) })
          .where('project', '=', project)
          .where('model_name', '=', name)
          .where('version', '=', version)
          .execute();
      }
      return toVersion(await requireVersion(trx, project, name, version));
    });
  }

  async setAlias(project: string, name: string, alias: string, version: number, expected: ExpectedVersion, at: string, by: string): Promise<AliasChange> {
    checkKey(alias, 'alias');
    checkVersion(version, 'version');
    if (expected !== undefined && expected !== null) checkVersion(expected, 'expectedVersion');
    return this.tx(async (trx) => {
      await this.lockModel(trx, project, name);
      await requireVersion(trx, project, name, version);
      const current = await trx.selectFrom('model_aliases').select('version').where('project', '=', project).where('model_name', '=', name).where('alias', '=', alias).executeTakeFirst();
      const before = current ? Number(current.version) : null;
      checkExpected(name, alias, before, expected);
      if (current) {
        await trx.updateTable('model_aliases').set({ version, updated_at: at, updated_by: by }).where('project', '=', project).where('model_name', '=', name).where('alias', '=', alias).execute();
      } else {
        await trx.insertInto('model_aliases').values({ project, model_name: name, alias, version, updated_at: at, updated_by: by }).execute();
      }
      return { alias, before, after: version };
    });
  }

  async removeAlias(project: string, name: string, alias: string, expected: ExpectedVersion): Promise<AliasChange> {
    checkKey(alias, 'alias');
    return this.tx(async (trx) => {
      await this.lockModel(trx, project, name);
      const current = await trx.selectFrom('model_aliases').select('version').where('project', '=', project).where('model_name', '=', name).where('alias', '=', alias).executeTakeFirst();
      if (!current) throw new NotFoundError(`model ${name} has no alias "${alias}"`, { field: 'alias', alias }, `List aliases with \`kiln models show ${name}\`.`);
      const before = Number(current.version);
      checkExpected(name, alias, before, expected);
      await trx.deleteFrom('model_aliases').where('project', '=', project).where('model_name', '=', name).where('alias', '=', alias).execute();
      return { alias, before, after: null };
    });
  }

  async listAliases(project: string, name: string): Promise<ModelAliasRecord[]> {
    checkKey(project, 'project');
    checkKey(name, 'name');
    const rows = await this.db.selectFrom('model_aliases').selectAll().where('project', '=', project).where('model_name', '=', name).orderBy('alias').execute();
    return rows.map((r) => ({ alias: r.alias, version: Number(r.version), updatedAt: r.updated_at, updatedBy: r.updated_by }));
  }

  async setStage(project: string, name: string, version: number, stage: VersionStage, archiveOtherProduction: boolean): Promise<StageChange> {
    if (!VERSION_STAGES.includes(stage)) throw new UsageError(`stage must be one of ${VERSION_STAGES.join(', ')}`, { field: 'stage' });
    checkVersion(version, 'version');
    return this.tx(async (trx) => {
      await this.lockModel(trx, project, name);
      const row = await requireVersion(trx, project, name, version);
      const archived: number[] = [];
      if (stage === 'production' && archiveOtherProduction) {
        const others = await trx.selectFrom('model_versions').select('version').where('project', '=', project).where('model_name', '=', name).where('stage', '=', 'production').where('version', '!=', version).execute();
        for (const o of others) archived.push(Number(o.version));
        if (archived.length > 0) {
          await trx.updateTable('model_versions').set({ stage: 'archived' }).where('project', '=', project).where('model_name', '=', name).where('version', 'in', archived).execute();
        }
      }
      await trx.updateTable('model_versions').set({ stage }).where('project', '=', project).where('model_name', '=', name).where('version', '=', version).execute();
      return { version, before: row.stage as VersionStage, after: stage, archived: archived.sort((a, b) => a - b) };
    });
  }

  async recordApproval(project: string, name: string, approval: ModelApprovalRecord): Promise<ModelVersionRecord> {
    checkVersion(approval.version, 'version');
    if (!['approved', 'rejected', 'override'].includes(approval.decision)) throw new UsageError('decision must be approved, rejected or override', { field: 'decision' });
    checkKey(approval.actor, 'actor');
    checkText(approval.comment, 'comment');
    return this.tx(async (trx) => {
      await this.lockModel(trx, project, name);
      await requireVersion(trx, project, name, approval.version);
      await trx
        .insertInto('model_approvals')
        .values({ id: randomUUID(), project, model_name: name, version: approval.version, decision: approval.decision, actor: approval.actor, at: approval.at, comment: approval.comment })
        .execute();
      if (approval.decision !== 'override') {
        await trx.updateTable('model_versions').set({ status: approval.decision }).where('project', '=', project).where('model_name', '=', name).where('version', '=', approval.version).execute();
      }
      return toVersion(await requireVersion(trx, project, name, approval.version));
    });
  }

  async listApprovals(project: string, name: string, version?: number): Promise<ModelApprovalRecord[]> {
    checkKey(project, 'project');
    checkKey(name, 'name');
    let q = this.db.selectFrom('model_approvals').selectAll().where('project', '=', project).where('model_name', '=', name);
    if (version !== undefined) {
      checkVersion(version, 'version');
      q = q.where('version', '=', version);
    }
    const rows = await q.orderBy('at').orderBy('id').execute();
    return rows.map((r) => ({ version: Number(r.version), decision: r.decision as ModelApprovalRecord['decision'], actor: r.actor, at: r.at, comment: r.comment }));
  }

  async deleteVersion(project: string, name: string, version: number): Promise<ModelVersionRecord> {
    checkVersion(version, 'version');
    return this.tx(async (trx) => {
      await this.lockModel(trx, project, name);
      const row = toVersion(await requireVersion(trx, project, name, version));
      const aliases = await trx.selectFrom('model_aliases').select('alias').where('project', '=', project).where('model_name', '=', name).where('version', '=', version).orderBy('alias').execute();
      if (aliases.length > 0) {
        const names = aliases.map((a) => a.alias);
        throw new ConflictError(`${name}@${version} is still the target of alias(es) ${names.join(', ')}`, { field: 'version', aliases: names }, `Move or remove the aliases first (kiln models alias ${name}@N ALIAS).`);
      }
      if (row.stage === 'production' || row.stage === 'staging') {
        throw new ConflictError(`${name}@${version} is in stage ${row.stage}`, { field: 'version', stage: row.stage }, `Move it to archived or none first (kiln models stage ${name}@${version} archived).`);
      }
      const children = await trx.selectFrom('model_versions').select('version').where('project', '=', project).where('model_name', '=', name).where('parent_version', '=', version).executeTakeFirst();
      if (children) throw new ConflictError(`${name}@${version} is the parent of ${name}@${Number(children.version)}`, { field: 'version' }, 'A parent stays while its retrains exist (lineage).');
      await trx.deleteFrom('model_version_datasets').where('project', '=', project).where('model_name', '=', name).where('version', '=', version).execute();
      await trx.deleteFrom('model_approvals').where('project', '=', project).where('model_name', '=', name).where('version', '=', version).execute();
      await trx.deleteFrom('model_versions').where('project', '=', project).where('model_name', '=', name).where('version', '=', version).execute();
      return row;
    });
  }

  async datasetUsage(project: string, name: string, version: number): Promise<DatasetUsage> {
    checkKey(project, 'project');
    checkKey(name, 'dataset');
    checkVersion(version, 'version');
    const models = await this.db
      .selectFrom('model_version_datasets')
      .select(['project', 'model_name', 'version', 'role'])
      .where('project', '=', project)
      .where('dataset_name', '=', name)
      .where('dataset_version', '=', version)
      .orderBy('project')
      .orderBy('model_name')
      .orderBy('version')
      .orderBy('role')
      .execute();
    const runs = await this.db
      .selectFrom('run_inputs as i')
      .innerJoin('runs as r', 'r.id', 'i.run_id')
      .select('i.run_id')
      .where('r.project', '=', project)
      .where('i.dataset_name', '=', name)
      .where('i.dataset_version', '=', version)
      .orderBy('i.run_id')
      .execute();
    return {
      modelVersions: models.map((m) => ({ project: m.project, name: m.model_name, version: Number(m.version), role: m.role as 'training' | 'evaluation' })),
      runIds: runs.map((r) => r.run_id),
    };
  }

  async *artifactHashes(batchSize = 1000): AsyncIterable<string> {
    let after = '';
    for (;;) {
      const rows = await this.db.selectFrom('model_versions').select('artifact_hash').distinct().where('artifact_hash', '>', after).orderBy('artifact_hash').limit(batchSize).execute();
      for (const r of rows) yield r.artifact_hash;
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1].artifact_hash;
    }
  }
}

async function requireVersion(trx: Kysely<KilnDatabase>, project: string, name: string, version: number): Promise<Selectable<ModelVersionsTable>> {
  const row = await trx.selectFrom('model_versions').selectAll().where('project', '=', project).where('model_name', '=', name).where('version', '=', version).executeTakeFirst();
  if (!row) throw new NotFoundError(`model version ${name}@${version} does not exist`, { field: 'version', model: name, version }, `List versions with \`kiln models versions ${name}\`.`);
  return row;
}

function checkExpected(name: string, alias: string, before: number | null, expected: ExpectedVersion): void {
  if (expected === undefined || before === expected) return;
  throw new ConflictError(
    `alias ${name}@${alias} points at ${before === null ? 'nothing' : `version ${before}`}, not ${expected === null ? 'nothing' : `version ${expected}`}: someone moved it`,
    { field: 'expectedVersion', alias, current: before, expected },
    'Re-read the alias and retry with the current version as the expected one.',
  );
}

function modelNotFound(project: string, name: string): NotFoundError {
  return new NotFoundError(`model ${name} is not registered${project === 'default' ? '' : ` in project ${project}`}`, { field: 'name', model: name }, 'List models with `kiln models list`.');
}

function toModel(row: Selectable<RegisteredModelsTable>): RegisteredModelRecord {
  return {
    project: row.project,
    name: row.name,
    description: row.description,
    tags: parseStored(row.tags_json, 'tags') as Record<string, string>,
    gatePolicy: row.gate_policy_json === null ? null : (parseStored(row.gate_policy_json, 'gate policy') as StoredGatePolicy),
    latestVersion: Number(row.latest_version),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}

function toVersion(row: Selectable<ModelVersionsTable>): ModelVersionRecord {
  return {
    project: row.project,
    name: row.model_name,
    version: Number(row.version),
    format: row.format as ModelFormat,
    artifactHash: row.artifact_hash,
    checksum: row.checksum,
    size: Number(row.size),
    source: { kind: row.source_kind as 'run' | 'file' | 'bytes', runId: row.source_run_id, file: row.source_file },
    status: row.status as VersionStatus,
    stage: row.stage as VersionStage,
    description: row.description,
    tags: parseStored(row.tags_json, 'tags') as Record<string, string>,
    task: row.task,
    algorithm: row.algorithm,
    evaluation: row.evaluation_json === null ? null : (parseStored(row.evaluation_json, 'evaluation') as ModelEvaluation),
    trainingDatasets: parseStored(row.training_datasets_json, 'training datasets') as ModelDatasetRef[],
    parentVersion: row.parent_version === null ? null : Number(row.parent_version),
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

function parseStored(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InternalError(`stored ${what} of a registered model is not valid JSON`, { field: what }, { cause: err });
  }
}

function checkKey(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME || value.includes('\u0000')) {
    throw new UsageError(`${field} must be a non-empty string of at most ${MAX_NAME} characters without NUL`, { field });
  }
}

function checkText(value: string | null | undefined, field: string): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'string' || value.length > MAX_TEXT || value.includes('\u0000')) throw new UsageError(`${field} must be a string of at most ${MAX_TEXT} characters without NUL`, { field });
}

function checkVersion(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new UsageError(`${field} must be a positive integer below 2^53, got ${String(value)}`, { field });
}

function jsonText(value: unknown, field: string): string {
  const text = JSON.stringify(value);
  if (text === undefined || text.includes('\\u0000')) throw new UsageError(`${field} must be JSON without NUL characters`, { field });
  if (text.length > 256 * 1024) throw new UsageError(`${field} is larger than 256 KiB`, { field });
  return text;
}

function tagsJson(tags: Record<string, string>): string {
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) throw new UsageError('tags must be an object of strings', { field: 'tags' });
  for (const [k, v] of Object.entries(tags)) {
    checkKey(k, 'tags');
    if (typeof v !== 'string') throw new UsageError(`tag ${JSON.stringify(k.slice(0, 60))} must be a string`, { field: `tags.${k.slice(0, 60)}` });
    checkText(v, 'tags');
  }
  return jsonText(tags, 'tags');
}

function checkNewVersion(v: NewModelVersion): void {
  checkKey(v.project, 'project');
  checkKey(v.name, 'name');
  if (!MODEL_FORMATS.includes(v.format)) throw new UsageError(`format must be one of ${MODEL_FORMATS.join(', ')}`, { field: 'format' });
  for (const field of ['artifactHash', 'checksum', 'createdAt', 'createdBy'] as const) checkKey(v[field], field);
  if (!Number.isSafeInteger(v.size) || v.size < 0) throw new UsageError('size must be a non-negative integer', { field: 'size' });
  if (!['run', 'file', 'bytes'].includes(v.source.kind)) throw new UsageError('source.kind must be run, file or bytes', { field: 'source' });
  if (v.source.runId !== null) checkKey(v.source.runId, 'source.runId');
  if (v.source.file !== null) checkKey(v.source.file, 'source.file');
  checkText(v.description ?? null, 'description');
  if (v.task !== null) checkKey(v.task, 'task');
  if (v.algorithm !== null) checkKey(v.algorithm, 'algorithm');
  if (v.parentVersion !== null) checkVersion(v.parentVersion, 'parentVersion');
  for (const d of [...v.trainingDatasets, ...(v.evaluation?.dataset ? [v.evaluation.dataset] : [])]) {
    checkKey(d.name, 'dataset.name');
    checkVersion(d.version, 'dataset.version');
    checkKey(d.hash, 'dataset.hash');
  }
  if (v.evaluation) {
    checkKey(v.evaluation.split, 'evaluation.split');
    for (const [k, m] of Object.entries(v.evaluation.metrics)) {
      if (typeof m !== 'number' || !Number.isFinite(m)) throw new UsageError(`evaluation metric ${JSON.stringify(k.slice(0, 60))} must be a finite number`, { field: 'evaluation.metrics' });
    }
  }
}
