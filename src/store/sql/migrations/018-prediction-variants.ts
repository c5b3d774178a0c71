/**
 * Migration 18: the prediction-id index learns which variant answered each prediction and what it
 * predicted. `variant` lets the store sum feedback labels per variant of an endpoint over a time window in
 * one join (rollout A/B outcomes and bandit rewards from every labelled prediction, docs/rollouts.md);
 * `prediction` (the predicted class or value as short text) lets that join count correct class labels.
 * Both are nullable: rows indexed before this migration have neither. The index serves "labels per
 * variant of an endpoint in a time window" (`received_at` is already on the table, migration 11).
 */
import type { Migration } from '../migration.js';

/** Adds `variant` and `prediction` to `prediction_ids`, and a (project, endpoint, variant, time) index. */
export const migration018PredictionVariants: Migration = {
  id: 18,
  name: '018-prediction-variants',
  async up(db) {
    // One column per statement: SQLite's ALTER TABLE adds one column at a time.
    await db.schema.alterTable('prediction_ids').addColumn('variant', 'text').execute();
    await db.schema.alterTable('prediction_ids').addColumn('prediction', 'text').execute();
    await db.schema.createIndex('prediction_ids_variant_time_idx').on('prediction_ids').columns(['project', 'endpoint', 'variant', 'received_at']).execute();
  },
};
