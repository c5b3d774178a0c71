/**
 * Migration 10: serving endpoints (docs/specs/metadata-schema.md, "Endpoints"). `endpoints` holds one row
 * per (project, name) with variants and settings as JSON documents (read whole, never queried inside);
 * `endpoint_changes` is a one-row counter bumped by every endpoint write, which inference servers poll
 * to see changes within seconds without reading the table.
 */
import type { Migration } from '../migration.js';

/** Creates endpoints and the endpoint change counter. */
export const migration010Endpoints: Migration = {
  id: 10,
  name: '010-endpoints',
  async up(db) {
    await db.schema
      .createTable('endpoints')
      .addColumn('project', 'text', (c) => c.notNull().defaultTo('default'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('variants_json', 'text', (c) => c.notNull())
      .addColumn('settings_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('endpoints_pkey', ['project', 'name'])
      .execute();
    await db.schema
      .createTable('endpoint_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();
    await db.insertInto('endpoint_changes' as never).values({ id: 'all', version: 0 } as never).execute();
  },
};
