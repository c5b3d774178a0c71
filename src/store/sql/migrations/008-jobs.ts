/**
 * Migration 8: background jobs (docs/jobs.md, docs/specs/metadata-schema.md "Jobs"). Timestamps are
 * ISO-8601 text (they compare correctly as strings); payload, result and error are JSON text. Indexes, by
 * the query each serves:
 * - `jobs_project_created_idx` (project, created_at, id): the job list of a project, newest first, keyset-paged.
 * - `jobs_status_created_idx` (status, created_at, id): the oldest queued jobs (what a pool claims next).
 * - `jobs_status_heartbeat_idx` (status, heartbeat_at): running jobs whose worker stopped heartbeating.
 * - `job_logs` primary key (job_id, seq): a job's lines in order, from any seq.
 */
import type { Migration } from '../migration.js';

/** Creates `jobs` and `job_logs`. */
export const migration008Jobs: Migration = {
  id: 8,
  name: '008-jobs',
  async up(db) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('payload_json', 'text', (c) => c.notNull())
      .addColumn('progress', 'double precision', (c) => c.notNull().defaultTo(0))
      .addColumn('progress_message', 'text')
      .addColumn('result_json', 'text')
      .addColumn('error_json', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('worker_id', 'text')
      .addColumn('heartbeat_at', 'text')
      .addColumn('cancel_requested_at', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('ended_at', 'text')
      .execute();
    await db.schema.createIndex('jobs_project_created_idx').on('jobs').columns(['project', 'created_at', 'id']).execute();
    await db.schema.createIndex('jobs_status_created_idx').on('jobs').columns(['status', 'created_at', 'id']).execute();
    await db.schema.createIndex('jobs_status_heartbeat_idx').on('jobs').columns(['status', 'heartbeat_at']).execute();
    await db.schema
      .createTable('job_logs')
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('line', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_logs_pkey', ['job_id', 'seq'])
      .execute();
  },
};
