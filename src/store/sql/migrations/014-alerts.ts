/**
 * Migration 14: alerting (docs/monitoring.md "Alerts and actions"). `alert_rules` holds one rule per
 * (project, name) as a JSON document (read whole); `alerts` one row per raised alert with the columns
 * lists filter on, and a unique partial index that allows at most one open alert per rule (the
 * de-duplication guarantee under concurrent monitor runs); `alert_events` the append-only history of each
 * alert (deliveries, actions, acknowledgement, resolution), keyed by (project, alert, seq).
 */
import { sql } from 'kysely';
import type { Migration } from '../migration.js';

/** Creates `alert_rules`, `alerts` and `alert_events`. */
export const migration014Alerts: Migration = {
  id: 14,
  name: '014-alerts',
  async up(db) {
    await db.schema
      .createTable('alert_rules')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('monitor', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('alert_rules_pk', ['project', 'name'])
      .execute();
    await db.schema.createIndex('alert_rules_monitor').on('alert_rules').columns(['project', 'monitor']).execute();
    await db.schema
      .createTable('alerts')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('rule_name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('fired_at', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('alerts_pk', ['project', 'id'])
      .execute();
    await db.schema.createIndex('alerts_fired').on('alerts').columns(['project', 'fired_at', 'id']).execute();
    await db.schema.createIndex('alerts_rule').on('alerts').columns(['project', 'rule_name', 'fired_at']).execute();
    await sql`create unique index alerts_one_open_per_rule on alerts (project, rule_name) where status = 'open'`.execute(db);
    await db.schema
      .createTable('alert_events')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('alert_events_pk', ['project', 'alert_id', 'seq'])
      .execute();
  },
};
