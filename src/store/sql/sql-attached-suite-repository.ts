/**
 * Dialect-agnostic SQL implementation of the attached-suite repository: one row per dataset, replaced
 * by an upsert. Scoped to one project: the same dataset name in two projects has two suites.
 */
import type { Kysely } from 'kysely';
import { UsageError } from '../../core/errors.js';
import type { AttachedSuite, AttachedSuiteRepository } from '../attached-suite-repository.js';
import type { KilnDatabase } from './kiln-database.js';

/** Attached suites over any Kysely connection or transaction. */
export class SqlAttachedSuiteRepository implements AttachedSuiteRepository {
  /** Suites of the datasets of `project`. */
  constructor(
    private readonly db: Kysely<KilnDatabase>,
    private readonly project: string,
  ) {}

  async attach(suite: AttachedSuite): Promise<void> {
    for (const field of ['dataset', 'suiteName', 'artifactHash', 'attachedAt'] as const) {
      const value: unknown = suite[field];
      if (typeof value !== 'string' || value.length === 0) throw new UsageError(`attached suite field '${field}' must be a non-empty string`, { field });
    }
    const values = { project: this.project, dataset_name: suite.dataset, suite_name: suite.suiteName, artifact_hash: suite.artifactHash, attached_at: suite.attachedAt };
    await this.db
      .insertInto('dataset_suites')
      .values(values)
      .onConflict((oc) => oc.columns(['project', 'dataset_name']).doUpdateSet({ suite_name: values.suite_name, artifact_hash: values.artifact_hash, attached_at: values.attached_at }))
      .execute();
  }

  async get(dataset: string): Promise<AttachedSuite | null> {
    const row = await this.db.selectFrom('dataset_suites').selectAll().where('project', '=', this.project).where('dataset_name', '=', dataset).executeTakeFirst();
    return row ? { dataset: row.dataset_name, suiteName: row.suite_name, artifactHash: row.artifact_hash, attachedAt: row.attached_at } : null;
  }

  async detach(dataset: string): Promise<boolean> {
    const res = await this.db.deleteFrom('dataset_suites').where('project', '=', this.project).where('dataset_name', '=', dataset).executeTakeFirst();
    return res.numDeletedRows > 0n;
  }
}
