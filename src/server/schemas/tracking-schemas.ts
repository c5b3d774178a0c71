/**
 * TypeBox schemas of the tracking routes (`/v1/experiments`, `/v1/runs`). Metric values are JSON numbers,
 * or the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers; docs/tracking.md).
 */
import { Type } from 'typebox';
import { errorResponses } from './common-schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NonFinite = Type.Union([Type.Literal('NaN'), Type.Literal('Infinity'), Type.Literal('-Infinity')]);
/** A metric value. */
export const MetricValue = Type.Union([Type.Number(), NonFinite]);
const RunId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const PageQuery = { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })), cursor: Type.Optional(Type.String({ maxLength: 4096 })) };
const TAGS = ['tracking'];

/** An experiment. */
export const ExperimentSchema = Type.Object({ id: Type.String(), project: Type.String(), name: Type.String(), description: Nullable(Type.String()), createdAt: Type.String() });

/** A run as lists show it. */
export const RunSummarySchema = Type.Object(
  {
    id: Type.String(),
    experiment: Type.String(),
    experimentId: Type.String(),
    name: Nullable(Type.String()),
    status: Type.String(),
    parentId: Nullable(Type.String()),
    params: Type.Record(Type.String(), Type.String()),
    metrics: Type.Record(Type.String(), MetricValue, { description: 'latest value per metric key' }),
    tags: Type.Record(Type.String(), Type.String()),
    startedAt: Type.String(),
    endedAt: Nullable(Type.String()),
    createdBy: Nullable(Type.String()),
  },
  { additionalProperties: true },
);

export const ListExperimentsRoute = {
  summary: 'List experiments',
  tags: TAGS,
  querystring: Type.Object(PageQuery),
  response: { 200: Type.Object({ experiments: Type.Array(ExperimentSchema), next: Nullable(Type.String()) }), ...errorResponses(400) },
};

export const CreateExperimentRoute = {
  summary: 'Create an experiment',
  tags: TAGS,
  body: Type.Object({ name: Type.String(), description: Type.Optional(Type.String({ maxLength: 8000 })) }, { additionalProperties: false }),
  response: { 201: ExperimentSchema, ...errorResponses(400, 409) },
};

export const SearchRunsRoute = {
  summary: 'Search runs (filter in the run query language, orderBy, keyset pages)',
  tags: TAGS,
  querystring: Type.Object({
    filter: Type.Optional(Type.String({ maxLength: 10000, description: 'e.g. metrics.valid.roc_auc > 0.8 and params.algo = "gbdt"' })),
    orderBy: Type.Optional(Type.String({ maxLength: 2000, description: 'e.g. metrics.valid.roc_auc desc, startedAt' })),
    experiment: Type.Optional(Type.String({ maxLength: 200 })),
    ...PageQuery,
  }),
  response: { 200: Type.Object({ runs: Type.Array(RunSummarySchema), next: Nullable(Type.String()) }), ...errorResponses(400, 404) },
};

export const StartRunRoute = {
  summary: 'Start a run (experiment created when missing)',
  tags: TAGS,
  body: Type.Object(
    {
      experiment: Type.Optional(Type.String()),
      name: Type.Optional(Type.String()),
      parentId: Type.Optional(Type.String()),
      seed: Type.Optional(Type.Integer()),
      params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
      tags: Type.Optional(Type.Record(Type.String(), Type.String())),
    },
    { additionalProperties: false },
  ),
  response: { 201: RunSummarySchema, ...errorResponses(400, 404, 409) },
};

export const GetRunRoute = {
  summary: 'One run: params, metric series, tags, artifacts, inputs, outputs, system facts',
  tags: TAGS,
  params: RunId,
  response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses(400, 404) },
};

export const DeleteRunRoute = {
  summary: 'Delete a run and everything logged to it (hard delete)',
  tags: TAGS,
  params: RunId,
  response: { 200: Type.Object({ deleted: Type.String() }), ...errorResponses(400, 404) },
};

export const LogMetricsRoute = {
  summary: 'Log a batch of metric points (one transaction)',
  tags: TAGS,
  params: RunId,
  body: Type.Object(
    {
      metrics: Type.Array(
        Type.Object({ key: Type.String(), value: MetricValue, step: Type.Optional(Type.Integer()), timestamp: Type.Optional(Type.Integer()) }, { additionalProperties: false }),
        { maxItems: 100000 },
      ),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Object({ logged: Type.Integer() }), ...errorResponses(400, 404, 409) },
};

export const LogParamsRoute = {
  summary: 'Log params (immutable)',
  tags: TAGS,
  params: RunId,
  body: Type.Object({ params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])) }, { additionalProperties: false }),
  response: { 200: Type.Object({ logged: Type.Integer() }), ...errorResponses(400, 404, 409) },
};

export const SetTagsRoute = {
  summary: 'Set tags (null deletes one)',
  tags: TAGS,
  params: RunId,
  body: Type.Object({ tags: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])) }, { additionalProperties: false }),
  response: { 200: Type.Object({ set: Type.Integer() }), ...errorResponses(400, 404, 409) },
};

export const EndRunRoute = {
  summary: 'End a run',
  tags: TAGS,
  params: RunId,
  body: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('finished'), Type.Literal('failed'), Type.Literal('killed')])) }, { additionalProperties: false }),
  response: { 200: RunSummarySchema, ...errorResponses(400, 404, 409) },
};

export const LogArtifactRoute = {
  summary: 'Upload an artifact of a run (the body is the bytes, application/octet-stream, streamed to the artifact store); replaces the one at the same path',
  tags: TAGS,
  params: RunId,
  querystring: Type.Object({ path: Type.String({ minLength: 1, maxLength: 1024, description: 'Where the artifact is listed on the run, e.g. plots/roc.svg' }) }, { additionalProperties: false }),
  response: { 201: Type.Object({ path: Type.String(), hash: Type.String(), size: Type.Integer() }), ...errorResponses(400, 404, 409, 413, 415) },
};

export const GetArtifactRoute = {
  summary: 'Download an artifact of a run by its path (the bytes, application/octet-stream; verified against their sha256 as they stream)',
  tags: TAGS,
  params: RunId,
  querystring: Type.Object({ path: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
  response: { 200: Type.Any({ description: 'the artifact bytes, as stored (application/octet-stream)' }), ...errorResponses(400, 404) },
};
