/**
 * Kysely table types for Kiln's metadata schema (see docs/specs/metadata-schema.md). One interface per
 * table; migrations in `migrations/` create exactly these columns. Big counts are `bigint` columns, which
 * PostgreSQL returns as strings, hence `number | string` on read.
 */

/** `kiln_migrations`: one row per applied migration. */
export interface KilnMigrationsTable {
  id: number;
  name: string;
  applied_at: string;
}

/** `datasets`: one row per dataset name. */
export interface DatasetsTable {
  name: string;
  latest_version: number;
  created_at: string;
  updated_at: string;
}

/** `dataset_versions`: one row per immutable dataset version. */
export interface DatasetVersionsTable {
  dataset_name: string;
  version: number;
  content_hash: string;
  row_count: number | string;
  column_count: number;
  byte_count: number | string;
  schema_json: string;
  profile_json: string;
  artifact_hash: string;
  format: string;
  source: string | null;
  created_at: string;
}

/** The whole metadata database as Kysely sees it. */
export interface KilnDatabase {
  kiln_migrations: KilnMigrationsTable;
  datasets: DatasetsTable;
  dataset_versions: DatasetVersionsTable;
}
