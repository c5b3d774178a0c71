/**
 * Kysely table types for Kiln's metadata schema (see docs/specs/metadata-schema.md). One interface per
 * table; migrations in `migrations/` create exactly these columns. `bigint` columns come back from
 * PostgreSQL as strings, hence `number | string` on read. JSON columns (`*_json`) are `jsonb` on
 * PostgreSQL and `text` on SQLite; repositories write JSON text and read them cast to text, so both
 * dialects hand back a string.
 */

/** `kiln_migrations`: one row per applied migration. */
export interface KilnMigrationsTable {
  id: number;
  name: string;
  applied_at: string;
}

/** `datasets`: one row per dataset name. */
export interface DatasetsTable {
  /** Owning project (migration 7; `default` for older rows). */
  project: string;
  name: string;
  latest_version: number | string;
  created_at: string;
  updated_at: string;
}

/** `dataset_versions`: one row per immutable dataset version. */
export interface DatasetVersionsTable {
  /** Owning project (migration 7; `default` for older rows). */
  project: string;
  dataset_name: string;
  version: number | string;
  content_hash: string;
  row_count: number | string;
  column_count: number | string;
  byte_count: number | string;
  /** Inline schema; null when `schema_artifact_hash` holds it (migration 2). */
  schema_json: string | null;
  schema_artifact_hash: string | null;
  /** Inline profile; null when `profile_artifact_hash` holds it (migration 2). */
  profile_json: string | null;
  profile_artifact_hash: string | null;
  /** Bounded summary (migration 2); null for older versions. */
  summary_json: string | null;
  artifact_hash: string;
  format: string;
  source: string | null;
  created_at: string;
}

/** `projects`: every resource belongs to one. */
export interface ProjectsTable {
  name: string;
  description: string | null;
  created_at: string;
  created_by: string;
}

/** `api_tokens`: hashed API tokens with their grants. */
export interface ApiTokensTable {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  grants_json: string;
  superuser: number;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** `audit_log`: the append-only, hash-chained audit log. */
export interface AuditLogTable {
  seq: number | string;
  at: string;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string;
  project: string;
  before_json: string;
  after_json: string;
  request_id: string | null;
  source_address: string | null;
  prev_hash: string;
  hash: string;
}

/** `ingest_offsets`: the last stream position reflected in a dataset, per source (migration 4). */
export interface IngestOffsetsTable {
  /** Owning project (migration 7; `default` for older rows). */
  project: string;
  dataset_name: string;
  source: string;
  position: string;
  version: number | string | null;
  committed_at: string;
}

/** `dataset_suites`: the expectation suite attached to a dataset (migration 4). */
export interface DatasetSuitesTable {
  /** Owning project (migration 7; `default` for older rows). */
  project: string;
  dataset_name: string;
  suite_name: string;
  artifact_hash: string;
  attached_at: string;
}

/** `trained_models`: one row per trained model (migration 3). */
export interface TrainedModelsTable {
  id: string;
  /** Owning project (migration 7; `default` for older rows). */
  project: string;
  artifact_hash: string;
  algorithm: string;
  task: string;
  target: string;
  source_kind: string;
  dataset_name: string | null;
  dataset_version: number | string | null;
  dataset_hash: string | null;
  params_json: string;
  metrics_json: string;
  created_at: string;
}

/** `experiments` (migration 6). */
export interface ExperimentsTable {
  id: string;
  project: string;
  name: string;
  description: string | null;
  created_at: string;
}

/** `runs` (migration 6). */
export interface RunsTable {
  id: string;
  /** Owning project (migration 7; `default` for older rows). */
  project: string;
  experiment_id: string;
  name: string | null;
  status: string;
  parent_id: string | null;
  started_at: string;
  ended_at: string | null;
  created_by: string | null;
  system_json: string;
}

/** `run_params` and `run_tags`: one key/value per run (migration 6). */
export interface RunKeyValueTable {
  run_id: string;
  key: string;
  value: string;
}

/** `run_metrics` and `run_latest_metrics`: NaN is stored as NULL (migration 6). */
export interface RunMetricsTable {
  run_id: string;
  key: string;
  value: number | null;
  step: number | string;
  timestamp: number | string;
}

/** `run_artifacts` (migration 6). */
export interface RunArtifactsTable {
  run_id: string;
  path: string;
  artifact_hash: string;
  size: number | string;
}

/** `run_inputs` (migration 6). */
export interface RunInputsTable {
  run_id: string;
  dataset_name: string;
  dataset_version: number | string;
  content_hash: string;
}

/** `run_outputs` (migration 6). */
export interface RunOutputsTable {
  run_id: string;
  kind: string;
  ref: string;
}

/** `endpoints` (migration 10): variants and settings as JSON text. */
export interface EndpointsTable {
  project: string;
  name: string;
  variants_json: string;
  settings_json: string;
  created_at: string;
  updated_at: string;
  revision: number | string;
}

/** `endpoint_changes` (migration 10): one row, `id = 'all'`, bumped by every endpoint write. */
export interface EndpointChangesTable {
  id: string;
  version: number | string;
}

/** `rollouts` (migration 16): plan and progress as JSON text; `active_endpoint` set while running. */
export interface RolloutsTable {
  project: string;
  id: string;
  endpoint: string;
  active_endpoint: string | null;
  strategy: string;
  status: string;
  spec_json: string;
  state_json: string;
  actor: string;
  lease_owner: string | null;
  lease_until: number | string | null;
  revision: number | string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** `rollout_metrics` (migration 16): one row per variant per serving process per flush. */
export interface RolloutMetricsTable {
  project: string;
  endpoint: string;
  variant: string;
  model: string;
  writer: string;
  at: number | string;
  shadow: number;
  requests: number | string;
  errors: number | string;
  missing_keys: number | string;
  agreements: number | string;
  latency_sum_ms: number;
  latency_json: string;
  bins_json: string;
  sample_json: string;
}

/** `endpoint_request_stats` (migration 17): one row per endpoint variant per serving process per minute. */
export interface EndpointRequestStatsTable {
  project: string;
  endpoint: string;
  variant: string;
  writer: string;
  bucket: number | string;
  answered: number | string;
  client_errors: number | string;
  server_errors: number | string;
}

/** `jobs` (migration 8): one row per background job. */
export interface JobsTable {
  id: string;
  project: string;
  kind: string;
  status: string;
  payload_json: string;
  progress: number;
  progress_message: string | null;
  result_json: string | null;
  error_json: string | null;
  attempts: number | string;
  max_attempts: number | string;
  run_id: string | null;
  worker_id: string | null;
  heartbeat_at: string | null;
  cancel_requested_at: string | null;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

/** `job_logs` (migration 8): append-only log lines of a job. */
export interface JobLogsTable {
  job_id: string;
  seq: number | string;
  at: string;
  line: string;
}

/** `feature_registry`: applied versions of a project's feature definitions (migration 12). */
export interface FeatureRegistryTable {
  project: string;
  version: number | string;
  digest: string;
  document: string;
  applied_at: string;
}

/** `feature_materializations`: each feature view's last materialization (migration 12). */
export interface FeatureMaterializationsTable {
  project: string;
  view_name: string;
  watermark: string;
  row_count: number | string;
  materialized_at: string;
}

/** `capture_segments` (migration 11). */
export interface CaptureSegmentsTable {
  id: string;
  project: string;
  endpoint: string;
  start_at: string;
  end_at: string;
  row_count: number | string;
  artifact_hash: string;
  schema_json: string;
  created_at: string;
}

/** `prediction_ids`: every prediction id an endpoint returned (migration 11; variant and prediction: 18). */
export interface PredictionIdsTable {
  project: string;
  endpoint: string;
  prediction_id: string;
  received_at: string;
  segment_id: string | null;
  variant: string | null;
  prediction: string | null;
}

/** `prediction_feedback` (current label) and `prediction_feedback_history` (every revision) (migration 11). */
export interface PredictionFeedbackTable {
  project: string;
  endpoint: string;
  prediction_id: string;
  label_json: string;
  revision: number;
  recorded_at: string;
  recorded_by: string;
}

/** `registered_models` (migration 9). */
export interface RegisteredModelsTable {
  project: string;
  name: string;
  description: string | null;
  tags_json: string;
  gate_policy_json: string | null;
  latest_version: number | string;
  created_at: string;
  created_by: string;
  updated_at: string;
}

/** `model_versions` (migration 9). */
export interface ModelVersionsTable {
  project: string;
  model_name: string;
  version: number | string;
  format: string;
  artifact_hash: string;
  checksum: string;
  size: number | string;
  source_kind: string;
  source_run_id: string | null;
  source_file: string | null;
  status: string;
  stage: string;
  description: string | null;
  tags_json: string;
  task: string | null;
  algorithm: string | null;
  evaluation_json: string | null;
  training_datasets_json: string;
  parent_version: number | string | null;
  created_at: string;
  created_by: string;
}

/** `model_version_datasets` (migration 9): dataset versions a model version was trained or evaluated on. */
export interface ModelVersionDatasetsTable {
  project: string;
  model_name: string;
  version: number | string;
  role: string;
  dataset_name: string;
  dataset_version: number | string;
  dataset_hash: string;
}

/** `model_aliases` (migration 9). */
export interface ModelAliasesTable {
  project: string;
  model_name: string;
  alias: string;
  version: number | string;
  updated_at: string;
  updated_by: string;
}

/** `model_approvals` (migration 9). */
export interface ModelApprovalsTable {
  id: string;
  project: string;
  model_name: string;
  version: number | string;
  decision: string;
  actor: string;
  at: string;
  comment: string | null;
}

/** `alert_rules` (migration 14): one rule per (project, name), the rule as a JSON document. */
export interface AlertRulesTable {
  project: string;
  name: string;
  monitor: string;
  document: string;
  created_at: string;
}

/** `alerts` (migration 14): raised alerts; at most one open per (project, rule_name). */
export interface AlertsTable {
  project: string;
  id: string;
  rule_name: string;
  status: string;
  fired_at: string;
  document: string;
}

/** `alert_events` (migration 14): the history of each alert. */
export interface AlertEventsTable {
  project: string;
  alert_id: string;
  seq: number | string;
  at: string;
  kind: string;
  detail: string;
}

/** `monitor_baselines` (migration 13). */
export interface MonitorBaselinesTable {
  project: string;
  name: string;
  version: number | string;
  source_kind: string;
  source: string;
  document_hash: string;
  sample_hash: string | null;
  row_count: number | string;
  columns_json: string;
  created_at: string;
  created_by: string;
}

/** `monitors` (migration 13). */
export interface MonitorsTable {
  project: string;
  name: string;
  endpoint: string;
  spec_json: string;
  schedule: string | null;
  last_scheduled_at: string | null;
  created_at: string;
  created_by: string;
}

/** `monitor_runs` (migration 13). */
export interface MonitorRunsTable {
  project: string;
  run_id: string;
  monitor: string;
  endpoint: string;
  at: string;
  window_start: string;
  window_end: string;
  status: string;
  notes_json: string;
}

/** `monitor_points` (migration 13). */
export interface MonitorPointsTable {
  project: string;
  run_id: string;
  seq: number;
  monitor: string;
  at: string;
  check_name: string;
  metric: string;
  column_name: string | null;
  value: number | string;
  drifted: number | null;
}

/** The whole metadata database as Kysely sees it. */
export interface KilnDatabase {
  kiln_migrations: KilnMigrationsTable;
  datasets: DatasetsTable;
  dataset_versions: DatasetVersionsTable;
  projects: ProjectsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  ingest_offsets: IngestOffsetsTable;
  dataset_suites: DatasetSuitesTable;
  trained_models: TrainedModelsTable;
  experiments: ExperimentsTable;
  runs: RunsTable;
  run_params: RunKeyValueTable;
  run_tags: RunKeyValueTable;
  run_metrics: RunMetricsTable;
  run_latest_metrics: RunMetricsTable;
  run_artifacts: RunArtifactsTable;
  run_inputs: RunInputsTable;
  run_outputs: RunOutputsTable;
  endpoints: EndpointsTable;
  endpoint_changes: EndpointChangesTable;
  rollouts: RolloutsTable;
  rollout_metrics: RolloutMetricsTable;
  endpoint_request_stats: EndpointRequestStatsTable;
  jobs: JobsTable;
  job_logs: JobLogsTable;
  feature_registry: FeatureRegistryTable;
  feature_materializations: FeatureMaterializationsTable;
  capture_segments: CaptureSegmentsTable;
  prediction_ids: PredictionIdsTable;
  prediction_feedback: PredictionFeedbackTable;
  prediction_feedback_history: PredictionFeedbackTable;
  registered_models: RegisteredModelsTable;
  model_versions: ModelVersionsTable;
  model_version_datasets: ModelVersionDatasetsTable;
  model_aliases: ModelAliasesTable;
  model_approvals: ModelApprovalsTable;
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  monitor_baselines: MonitorBaselinesTable;
  monitors: MonitorsTable;
  monitor_runs: MonitorRunsTable;
  monitor_points: MonitorPointsTable;
}
