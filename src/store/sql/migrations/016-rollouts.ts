/**
 * Migration 16: rollouts (docs/rollouts.md). `rollouts` holds one row per rollout with its plan and
 * progress as JSON documents; `active_endpoint` is the endpoint's name while the rollout runs and NULL
 * after, and a unique index on (project, active_endpoint) makes "one running rollout per endpoint" a
 * database guarantee (NULLs never collide). `lease_owner`/`lease_until` let one serving process at a time
 * advance a rollout. `rollout_metrics` holds per-variant aggregates appended by every serving process.
 */
import type { Migration } from '../migration.js';

/** Creates rollouts and rollout metrics. */
export const migration016Rollouts: Migration = {
  id: 16,
  name: '016-rollouts',
  async up(db) {
    await db.schema
      .createTable('rollouts')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('active_endpoint', 'text')
      .addColumn('strategy', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('spec_json', 'text', (c) => c.notNull())
      .addColumn('state_json', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addPrimaryKeyConstraint('rollouts_pkey', ['project', 'id'])
      .execute();
    await db.schema.createIndex('rollouts_one_running').on('rollouts').columns(['project', 'active_endpoint']).unique().execute();
    await db.schema.createIndex('rollouts_by_endpoint').on('rollouts').columns(['project', 'endpoint', 'created_at']).execute();
    await db.schema
      .createTable('rollout_metrics')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('variant', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('writer', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('shadow', 'integer', (c) => c.notNull())
      .addColumn('requests', 'bigint', (c) => c.notNull())
      .addColumn('errors', 'bigint', (c) => c.notNull())
      .addColumn('missing_keys', 'bigint', (c) => c.notNull())
      .addColumn('agreements', 'bigint', (c) => c.notNull())
      .addColumn('latency_sum_ms', 'double precision', (c) => c.notNull())
      .addColumn('latency_json', 'text', (c) => c.notNull())
      .addColumn('bins_json', 'text', (c) => c.notNull())
      .addColumn('sample_json', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rollout_metrics_by_time').on('rollout_metrics').columns(['project', 'endpoint', 'at']).execute();
  },
};
