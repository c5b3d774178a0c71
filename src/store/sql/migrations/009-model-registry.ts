/**
 * Migration 9: the model registry (docs/specs/metadata-schema.md, "Model registry"). Indexes, by the
 * query each serves:
 * - primary keys (project, name) / (project, model_name, version) / (project, model_name, alias): model,
 *   version and alias lookups; `NAME@ALIAS` resolution is one join over two primary keys (what a server
 *   polling for alias moves runs).
 * - `model_versions_stage_idx` (project, model_name, stage, version): `NAME@production` and the
 *   one-production-per-model check.
 * - `model_versions_artifact_idx` (artifact_hash): gc's reference scan.
 * - `model_aliases_version_idx` (project, model_name, version): "which aliases point here" (resolution,
 *   delete refusal).
 * - `model_version_datasets_dataset_idx` (dataset_name, dataset_version): dataset lineage (which model
 *   versions were built from a dataset version).
 * - `model_approvals_version_idx` (project, model_name, version, at): a version's approval history.
 */
import type { Migration } from '../migration.js';

/** Creates registered_models, model_versions, model_version_datasets, model_aliases, model_approvals. */
export const migration009ModelRegistry: Migration = {
  id: 9,
  name: '009-model-registry',
  async up(db) {
    await db.schema
      .createTable('registered_models')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('tags_json', 'text', (c) => c.notNull())
      .addColumn('gate_policy_json', 'text')
      .addColumn('latest_version', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('registered_models_pkey', ['project', 'name'])
      .execute();
    await db.schema
      .createTable('model_versions')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('model_name', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('artifact_hash', 'text', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('source_kind', 'text', (c) => c.notNull())
      .addColumn('source_run_id', 'text')
      .addColumn('source_file', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('tags_json', 'text', (c) => c.notNull())
      .addColumn('task', 'text')
      .addColumn('algorithm', 'text')
      .addColumn('evaluation_json', 'text')
      .addColumn('training_datasets_json', 'text', (c) => c.notNull())
      .addColumn('parent_version', 'bigint')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_versions_pkey', ['project', 'model_name', 'version'])
      .addForeignKeyConstraint('model_versions_model_fkey', ['project', 'model_name'], 'registered_models', ['project', 'name'])
      .execute();
    await db.schema.createIndex('model_versions_stage_idx').on('model_versions').columns(['project', 'model_name', 'stage', 'version']).execute();
    await db.schema.createIndex('model_versions_artifact_idx').on('model_versions').column('artifact_hash').execute();
    await db.schema
      .createTable('model_version_datasets')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('model_name', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('dataset_name', 'text', (c) => c.notNull())
      .addColumn('dataset_version', 'bigint', (c) => c.notNull())
      .addColumn('dataset_hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_version_datasets_pkey', ['project', 'model_name', 'version', 'role', 'dataset_name', 'dataset_version'])
      .execute();
    await db.schema.createIndex('model_version_datasets_dataset_idx').on('model_version_datasets').columns(['dataset_name', 'dataset_version']).execute();
    await db.schema
      .createTable('model_aliases')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('model_name', 'text', (c) => c.notNull())
      .addColumn('alias', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_aliases_pkey', ['project', 'model_name', 'alias'])
      .execute();
    await db.schema.createIndex('model_aliases_version_idx').on('model_aliases').columns(['project', 'model_name', 'version']).execute();
    await db.schema
      .createTable('model_approvals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('model_name', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('comment', 'text')
      .execute();
    await db.schema.createIndex('model_approvals_version_idx').on('model_approvals').columns(['project', 'model_name', 'version', 'at']).execute();
  },
};
