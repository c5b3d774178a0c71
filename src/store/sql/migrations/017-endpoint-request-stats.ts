/**
 * Migration 17: `endpoint_request_stats`, request outcome counters of every endpoint (docs/monitoring.md,
 * "Operational metrics"). One row per (project, endpoint, variant, writer, minute bucket): each serving process
 * upserts its own row, adding what it counted since its last flush, so rows grow with minutes x variants x
 * processes, not with traffic. A new table rather than more `rollout_metrics` rows: those carry histograms,
 * prediction bins and id samples per flush for endpoints under rollout only; counting all traffic there would
 * write those wide rows every second for every endpoint.
 */
import type { Migration } from '../migration.js';

/** Creates the request stats table. */
export const migration017EndpointRequestStats: Migration = {
  id: 17,
  name: '017-endpoint-request-stats',
  async up(db) {
    await db.schema
      .createTable('endpoint_request_stats')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('variant', 'text', (c) => c.notNull())
      .addColumn('writer', 'text', (c) => c.notNull())
      .addColumn('bucket', 'bigint', (c) => c.notNull())
      .addColumn('answered', 'bigint', (c) => c.notNull())
      .addColumn('client_errors', 'bigint', (c) => c.notNull())
      .addColumn('server_errors', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('endpoint_request_stats_pkey', ['project', 'endpoint', 'bucket', 'variant', 'writer'])
      .execute();
    // Pruning deletes by bucket across projects.
    await db.schema.createIndex('endpoint_request_stats_by_bucket').on('endpoint_request_stats').column('bucket').execute();
  },
};
