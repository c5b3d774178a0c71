/**
 * Dialect-agnostic SQL implementation of the feature-registry repository. `append` is a single INSERT
 * guarded by the (project, version) primary key plus a check that the previous version exists, so a
 * lost race surfaces as a ConflictError and never as a gap or a duplicate.
 */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, UsageError } from '../../core/errors.js';
import type { FeatureMaterialization, FeatureRegistryEntry, FeatureRegistryRepository } from '../feature-registry-repository.js';
import type { FeatureRegistryTable, KilnDatabase } from './kiln-database.js';
import { isUniqueViolation } from './unique-violation.js';

/** Feature-definition versions over any Kysely connection or transaction. */
export class SqlFeatureRegistryRepository implements FeatureRegistryRepository {
  /** Versions of `project`. */
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly project: string,
  ) {}

  async latest(): Promise<FeatureRegistryEntry | null> {
    const row = await this.db.selectFrom('feature_registry').selectAll().where('project', '=', this.project).orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row ? toEntry(row) : null;
  }

  async get(version: number): Promise<FeatureRegistryEntry | null> {
    if (!Number.isSafeInteger(version) || version < 1) return null;
    const row = await this.db.selectFrom('feature_registry').selectAll().where('project', '=', this.project).where('version', '=', version).executeTakeFirst();
    return row ? toEntry(row) : null;
  }

  async append(entry: FeatureRegistryEntry): Promise<void> {
    checkEntry(entry);
    const current = await this.latest();
    const expected = (current?.version ?? 0) + 1;
    if (entry.version !== expected) throw conflict(entry.version, current?.version ?? 0);
    try {
      await this.db
        .insertInto('feature_registry')
        .values({ project: this.project, version: entry.version, digest: entry.digest, document: entry.document, applied_at: entry.appliedAt })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(entry.version, entry.version);
      throw err;
    }
  }

  async history(limit: number): Promise<Array<Omit<FeatureRegistryEntry, 'document'>>> {
    const rows = await this.db
      .selectFrom('feature_registry')
      .select(['version', 'digest', 'applied_at'])
      .where('project', '=', this.project)
      .orderBy('version', 'desc')
      .limit(Math.max(1, Math.min(1000, Math.floor(limit))))
      .execute();
    return rows.map((r) => ({ version: Number(r.version), digest: r.digest, appliedAt: r.applied_at }));
  }

  async recordMaterialization(m: FeatureMaterialization): Promise<void> {
    for (const field of ['view', 'watermark', 'materializedAt'] as const) {
      if (typeof m[field] !== 'string' || m[field].length === 0) throw new UsageError(`materialization field '${field}' must be a non-empty string`, { field });
    }
    if (!Number.isSafeInteger(m.rows) || m.rows < 0) throw new UsageError(`materialization field 'rows' must be a non-negative integer`, { field: 'rows' });
    const values = { project: this.project, view_name: m.view, watermark: m.watermark, row_count: m.rows, materialized_at: m.materializedAt };
    await this.db
      .insertInto('feature_materializations')
      .values(values)
      .onConflict((oc) => oc.columns(['project', 'view_name']).doUpdateSet({ watermark: m.watermark, row_count: m.rows, materialized_at: m.materializedAt }))
      .execute();
  }

  async materializations(): Promise<FeatureMaterialization[]> {
    const rows = await this.db.selectFrom('feature_materializations').selectAll().where('project', '=', this.project).orderBy('view_name').execute();
    return rows.map((r) => ({ view: r.view_name, watermark: r.watermark, rows: Number(r.row_count), materializedAt: r.materialized_at }));
  }
}

function conflict(version: number, latest: number): ConflictError {
  return new ConflictError(
    `feature registry version ${version} cannot be appended: the latest version is ${latest}`,
    { field: 'version' },
    'another apply ran at the same time; run `kiln features apply` again',
  );
}

function toEntry(row: Selectable<FeatureRegistryTable>): FeatureRegistryEntry {
  return { version: Number(row.version), digest: row.digest, document: row.document, appliedAt: row.applied_at };
}

function checkEntry(entry: FeatureRegistryEntry): void {
  if (!Number.isSafeInteger(entry.version) || entry.version < 1) throw new UsageError(`feature registry field 'version' must be a positive integer, got ${String(entry.version)}`, { field: 'version' });
  for (const field of ['digest', 'document', 'appliedAt'] as const) {
    const value: unknown = entry[field];
    if (typeof value !== 'string' || value.length === 0) throw new UsageError(`feature registry field '${field}' must be a non-empty string`, { field });
  }
}
