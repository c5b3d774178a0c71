/**
 * Migration 13: the feature registry (docs/features.md). `feature_registry` holds one row per applied
 * version of a project's feature definitions; the primary key (project, version) is what makes two
 * concurrent applies conflict instead of both landing. `feature_materializations` keeps each view's last
 * materialization watermark, so `materialize-incremental` resumes where the last run ended.
 */
import type { Migration } from '../migration.js';

/** Creates `feature_registry` and `feature_materializations`. */
export const migration012FeatureRegistry: Migration = {
  id: 12,
  name: '012-feature-registry',
  async up(db) {
    await db.schema
      .createTable('feature_registry')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('feature_registry_pk', ['project', 'version'])
      .execute();
    await db.schema
      .createTable('feature_materializations')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('view_name', 'text', (c) => c.notNull())
      .addColumn('watermark', 'text', (c) => c.notNull())
      .addColumn('row_count', 'bigint', (c) => c.notNull())
      .addColumn('materialized_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('feature_materializations_pk', ['project', 'view_name'])
      .execute();
  },
};
