/**
 * TypeBox schemas of `/v1/monitors` (monitors on endpoints: create, list, show, delete, run, runs, results)
 * and `/v1/baselines` (what monitors compare with). The service checks every field again (the same checks
 * as `kiln monitor`) and names the bad one.
 */
import { Type } from 'typebox';
import { errorResponses } from './common-schemas.js';

const TAGS = ['monitors'];
const Name = Type.String({ minLength: 1, maxLength: 63, description: 'lowercase letters, digits, ".", "_", "-"' });
const PageQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })), cursor: Type.Optional(Type.String({ maxLength: 4096 })) });
const Time = Type.Union([Type.String({ maxLength: 64 }), Type.Number()], { description: 'ISO-8601 time or epoch milliseconds' });

const CheckName = Type.Union(['drift', 'data_quality', 'quality', 'performance', 'operational', 'estimate', 'concept'].map((c) => Type.Literal(c)));

/** A stored monitor (its checked spec included). */
export const MonitorSchema = Type.Object({
  project: Type.String(),
  name: Type.String(),
  endpoint: Type.String(),
  spec: Type.Unknown({ description: 'The checked spec: baseline, schedule, window(Ms), checks, thresholds, tests, datasetDriftShare, labelDelay(Ms), suite, estimateReference(Ms), conceptDetector' }),
  lastScheduledAt: Type.Union([Type.String(), Type.Null()], { description: 'The last due time a scheduled run was submitted for' }),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

/** One result point (the MonitorResultPoint contract). */
export const MonitorPointSchema = Type.Object({
  check: Type.String(),
  metric: Type.String(),
  column: Type.Union([Type.String(), Type.Null()]),
  value: Type.Number(),
  drifted: Type.Optional(Type.Boolean()),
});

/** One run (the MonitorRunSummary contract). */
export const MonitorRunSchema = Type.Object({
  project: Type.String(),
  monitor: Type.String(),
  endpoint: Type.String(),
  runId: Type.String(),
  at: Type.String(),
  windowStart: Type.String(),
  windowEnd: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('empty'), Type.Literal('failed')]),
  points: Type.Array(MonitorPointSchema),
  notes: Type.Array(Type.String()),
});

/** A stored baseline version. */
export const BaselineSchema = Type.Object({
  project: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  sourceKind: Type.Union([Type.Literal('model'), Type.Literal('dataset'), Type.Literal('capture')]),
  source: Type.String(),
  documentHash: Type.String(),
  sampleHash: Type.Union([Type.String(), Type.Null()]),
  rows: Type.Integer(),
  columns: Type.Array(Type.String()),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

const NameParams = Type.Object({ name: Type.String({ maxLength: 200 }) });

export const ListMonitorsRoute = { summary: 'List monitors of the project', tags: TAGS, querystring: PageQuery, response: { 200: Type.Object({ monitors: Type.Array(MonitorSchema), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400) } };
export const CreateMonitorRoute = {
  summary: 'Create a monitor on an endpoint (checks, baseline, cron schedule, window, thresholds, label delay)',
  tags: TAGS,
  body: Type.Object(
    {
      name: Name,
      endpoint: Name,
      baseline: Type.Optional(Type.String({ maxLength: 80, description: 'NAME or NAME@VERSION; absent: the endpoint model\'s training statistics' })),
      schedule: Type.Optional(Type.String({ maxLength: 200, description: 'Five-field cron (UTC), e.g. */15 * * * *' })),
      window: Type.Optional(Type.String({ maxLength: 32, description: 'Duration such as 15m, 1h, 1d (default 1h)' })),
      checks: Type.Optional(Type.Array(CheckName, { minItems: 1, maxItems: 8 })),
      thresholds: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.Number(), { description: 'drift_share or a column name -> threshold' })),
      tests: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 40 }), { description: 'column -> drift test' })),
      labelDelay: Type.Optional(Type.String({ maxLength: 32, description: 'How long labels take to arrive (default 0s)' })),
      suite: Type.Optional(Type.Unknown({ description: 'An expectation suite (JSON) for the data_quality check' })),
      estimateReference: Type.Optional(Type.String({ maxLength: 32, description: 'Labelled traffic before the window that the estimate check (CBPE) calibrates on (default 7d)' })),
      conceptDetector: Type.Optional(Type.String({ maxLength: 40, description: 'The concept check\'s detector: adwin (default), ddm, page_hinkley' })),
    },
    { additionalProperties: false },
  ),
  response: { 201: MonitorSchema, ...errorResponses(400, 404, 409) },
};
export const GetMonitorRoute = { summary: 'Show a monitor', tags: TAGS, params: NameParams, response: { 200: MonitorSchema, ...errorResponses(404) } };
export const DeleteMonitorRoute = { summary: 'Delete a monitor with its runs and results', tags: TAGS, params: NameParams, response: { 200: Type.Object({ deleted: Type.String() }), ...errorResponses(404) } };
export const RunMonitorRoute = {
  summary: 'Run a monitor now over the window ending at `at` (default now); stores and returns the run',
  tags: TAGS,
  params: NameParams,
  body: Type.Optional(Type.Object({ at: Type.Optional(Time) }, { additionalProperties: false })),
  response: { 200: MonitorRunSchema, ...errorResponses(400, 404) },
};
export const ListMonitorRunsRoute = {
  summary: 'Recent runs of a monitor, newest first',
  tags: TAGS,
  params: NameParams,
  querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) }),
  response: { 200: Type.Object({ runs: Type.Array(MonitorRunSchema) }), ...errorResponses(400, 404) },
};
export const MonitorResultsRoute = {
  summary: 'Result points of a monitor as a time series (oldest first)',
  tags: TAGS,
  params: NameParams,
  querystring: Type.Object({
    check: Type.Optional(Type.String({ maxLength: 40 })),
    metric: Type.Optional(Type.String({ maxLength: 100 })),
    column: Type.Optional(Type.String({ maxLength: 200, description: 'A column; "-" for monitor-wide points only' })),
    from: Type.Optional(Type.String({ maxLength: 64 })),
    to: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  }),
  response: { 200: Type.Object({ points: Type.Array(Type.Object({ ...MonitorPointSchema.properties, runId: Type.String(), at: Type.String() })) }), ...errorResponses(400, 404) },
};
export const ListBaselinesRoute = { summary: 'List baselines (latest version of each)', tags: TAGS, querystring: PageQuery, response: { 200: Type.Object({ baselines: Type.Array(BaselineSchema), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400) } };
export const CreateBaselineRoute = {
  summary: 'Store a new baseline version from a model\'s training statistics, a dataset version or a capture window',
  tags: TAGS,
  body: Type.Object(
    {
      name: Name,
      model: Type.Optional(Type.String({ maxLength: 1024, description: 'NAME@VERSION, NAME@ALIAS or trained:ID' })),
      dataset: Type.Optional(Type.String({ maxLength: 200, description: 'NAME@VERSION' })),
      capture: Type.Optional(Type.Object({ endpoint: Name, from: Type.Optional(Time), to: Type.Optional(Time) }, { additionalProperties: false })),
    },
    { additionalProperties: false },
  ),
  response: { 201: BaselineSchema, ...errorResponses(400, 404) },
};
export const GetBaselineRoute = {
  summary: 'Show a baseline version (latest by default)',
  tags: TAGS,
  params: NameParams,
  querystring: Type.Object({ version: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,8}$' })) }),
  response: { 200: BaselineSchema, ...errorResponses(404) },
};
const ReportQuery = Type.Object({ runs: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'newest runs included (1-5000, default 500)' })) });
export const MonitorReportRoute = {
  summary: 'The monitor report as JSON (docs/specs/monitor-report.md): series per statistic, drift overlays of the newest window, alerts and actions',
  tags: TAGS,
  params: NameParams,
  querystring: ReportQuery,
  response: { 200: Type.Object({ reportVersion: Type.Literal(1), monitor: Type.String() }, { additionalProperties: true }), ...errorResponses(400, 404) },
};
export const MonitorReportHtmlRoute = {
  summary: 'The monitor report as an offline HTML dashboard (inline SVG, no external resources)',
  tags: TAGS,
  params: NameParams,
  querystring: ReportQuery,
  produces: ['text/html'],
  response: { 200: Type.String({ description: 'text/html' }), ...errorResponses(400, 404) },
};
