/**
 * TypeBox schemas of the model registry routes (`/v1/models...`). Names and selectors are checked by the
 * service (so errors blame the part that is wrong); bodies refuse unknown fields, and a bundle arrives as
 * JSON in the body (a `kiln.model` document) or by run id, never as a server path.
 */
import { Type } from 'typebox';
import { DatasetReference, errorResponses } from './common-schemas.js';

const TAGS = ['models'];
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Name = Type.String({ minLength: 1, maxLength: 128, description: 'model name' });
const Selector = Type.String({ minLength: 1, maxLength: 64, description: 'a version number, an alias, production, staging or latest' });
const AliasName = Type.String({ minLength: 1, maxLength: 63, description: 'alias name (lowercase)' });
const PageQuery = { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })), cursor: Type.Optional(Type.String({ maxLength: 4096 })) };
const Tags = Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 8000 }));
const DatasetRef = Type.Object({ name: Type.String(), version: Type.Integer(), hash: Type.String() });
const NameParams = Type.Object({ name: Name });
const VersionParams = Type.Object({ name: Name, version: Selector });

/** A registered model. */
export const RegisteredModelSchema = Type.Object(
  {
    project: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    tags: Type.Record(Type.String(), Type.String()),
    gatePolicy: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    latestVersion: Type.Integer(),
    createdAt: Type.String(),
    createdBy: Type.String(),
    updatedAt: Type.String(),
  },
  { additionalProperties: true },
);

/** A model version (the CLI's `--json` shape). */
export const ModelVersionSchema = Type.Object(
  {
    name: Type.String(),
    version: Type.Integer(),
    ref: Type.String({ description: 'NAME@VERSION' }),
    project: Type.String(),
    format: Type.Union([Type.Literal('kiln-bundle'), Type.Literal('onnx')]),
    artifactHash: Type.String(),
    checksum: Type.String(),
    size: Type.Integer(),
    source: Type.Object({ kind: Type.String(), runId: Nullable(Type.String()), file: Nullable(Type.String()) }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
    stage: Type.Union([Type.Literal('none'), Type.Literal('staging'), Type.Literal('production'), Type.Literal('archived')]),
    description: Nullable(Type.String()),
    tags: Type.Record(Type.String(), Type.String()),
    task: Nullable(Type.String()),
    algorithm: Nullable(Type.String()),
    evaluation: Type.Union([Type.Object({ dataset: Type.Union([DatasetRef, Type.Null()]), split: Type.String(), metrics: Type.Record(Type.String(), Type.Number()) }), Type.Null()]),
    trainingDatasets: Type.Array(DatasetRef),
    parentVersion: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.String(),
    createdBy: Type.String(),
    aliases: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
);

const GateReportSchema = Type.Object(
  {
    ref: Type.String(),
    passed: Type.Boolean(),
    checks: Type.Array(Type.Object({ gate: Type.String(), name: Type.String(), passed: Type.Boolean(), message: Type.String(), details: Type.Optional(Type.Object({}, { additionalProperties: true })) })),
    evaluatedAt: Type.String(),
  },
  { additionalProperties: true },
);

const Override = { override: Type.Optional(Type.Boolean()), reason: Type.Optional(Type.String({ maxLength: 8000 })) };

export const ListModelsRoute = {
  summary: 'Registered models of the project, by name',
  tags: TAGS,
  querystring: Type.Object(PageQuery),
  response: { 200: Type.Object({ models: Type.Array(RegisteredModelSchema), next: Nullable(Type.String()) }), ...errorResponses(400) },
};

export const ShowModelRoute = {
  summary: 'A model with its aliases and newest versions',
  tags: TAGS,
  params: NameParams,
  response: { 200: Type.Object({ ...RegisteredModelSchema.properties, aliases: Type.Array(Type.Object({ alias: Type.String(), version: Type.Integer() })), versions: Type.Array(ModelVersionSchema) }, { additionalProperties: true }), ...errorResponses(400, 404) },
};

export const UpdateModelRoute = {
  summary: "Set a model's description and/or tags (null deletes a tag)",
  tags: TAGS,
  params: NameParams,
  body: Type.Object({ tags: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Type.Union([Type.String({ maxLength: 8000 }), Type.Null()]))), description: Type.Optional(Type.String({ maxLength: 8000 })) }, { additionalProperties: false }),
  response: { 200: RegisteredModelSchema, ...errorResponses(400, 404) },
};

export const RegisterVersionRoute = {
  summary: "Register a new version from a run's bundle (run) or a bundle document (bundle); checksum verified first",
  tags: TAGS,
  params: NameParams,
  body: Type.Object(
    {
      run: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'a run recorded by kiln train' })),
      bundle: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'a kiln.model bundle document' })),
      description: Type.Optional(Type.String({ maxLength: 8000 })),
      tags: Type.Optional(Tags),
      evaluationDataset: Type.Optional(DatasetReference),
      parentVersion: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    },
    { additionalProperties: false },
  ),
  response: { 201: ModelVersionSchema, ...errorResponses(400, 403, 404) },
};

export const ListVersionsRoute = {
  summary: 'Versions of a model, newest first',
  tags: TAGS,
  params: NameParams,
  querystring: Type.Object(PageQuery),
  response: { 200: Type.Object({ versions: Type.Array(ModelVersionSchema), next: Nullable(Type.String()) }), ...errorResponses(400, 404) },
};

export const ShowVersionRoute = {
  summary: 'One version by number, alias, stage or latest, with its aliases',
  tags: TAGS,
  params: VersionParams,
  response: { 200: ModelVersionSchema, ...errorResponses(400, 404) },
};

export const ResolveRoute = {
  summary: 'Resolve NAME@SELECTOR to a pinned version (cheap: one indexed query; poll it to detect alias moves)',
  tags: TAGS,
  params: VersionParams,
  response: {
    200: Type.Object({
      name: Type.String(),
      version: Type.Integer(),
      ref: Type.String(),
      format: Type.String(),
      artifactHash: Type.String(),
      stage: Type.String(),
      status: Type.String(),
      aliases: Type.Array(Type.String()),
    }),
    ...errorResponses(400, 404),
  },
};

export const UpdateVersionRoute = {
  summary: "Set a version's tags (null deletes one) and/or description",
  tags: TAGS,
  params: VersionParams,
  body: Type.Object({ tags: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Type.Union([Type.String({ maxLength: 8000 }), Type.Null()]))), description: Type.Optional(Type.String({ maxLength: 8000 })) }, { additionalProperties: false }),
  response: { 200: ModelVersionSchema, ...errorResponses(400, 404) },
};

export const SetAliasRoute = {
  summary: 'Point an alias at a version (atomic; expectedVersion makes it a compare-and-set; the champion alias is gated)',
  tags: TAGS,
  params: Type.Object({ name: Name, alias: AliasName }),
  body: Type.Object(
    {
      version: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
      expectedVersion: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()], { description: 'the version the alias must point at now; null: it must not exist' })),
      ...Override,
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Object({ name: Type.String(), alias: Type.String(), before: Type.Union([Type.Integer(), Type.Null()]), after: Type.Integer(), gates: Type.Optional(GateReportSchema) }), ...errorResponses(400, 403, 404, 409) },
};

export const RemoveAliasRoute = {
  summary: 'Remove an alias',
  tags: TAGS,
  params: Type.Object({ name: Name, alias: AliasName }),
  querystring: Type.Object({ expectedVersion: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })) }, { additionalProperties: false }),
  response: { 200: Type.Object({ name: Type.String(), alias: Type.String(), before: Type.Union([Type.Integer(), Type.Null()]) }), ...errorResponses(400, 404, 409) },
};

export const SetStageRoute = {
  summary: 'Move a version to a stage (production: approved and gated; other production versions archived unless force)',
  tags: TAGS,
  params: VersionParams,
  body: Type.Object({ stage: Type.String({ maxLength: 32 }), force: Type.Optional(Type.Boolean()), ...Override }, { additionalProperties: false }),
  response: {
    200: Type.Object({ name: Type.String(), version: Type.Integer(), before: Type.String(), after: Type.String(), archived: Type.Array(Type.Integer()), gates: Type.Optional(GateReportSchema) }),
    ...errorResponses(400, 403, 404, 409),
  },
};

export const DecisionRoute = {
  summary: 'Approve or reject a version (models:admin), recording actor, time and comment',
  tags: TAGS,
  params: VersionParams,
  body: Type.Object({ comment: Type.Optional(Type.String({ maxLength: 8000 })) }, { additionalProperties: false }),
  response: { 200: ModelVersionSchema, ...errorResponses(400, 404) },
};

export const GateRoute = {
  summary: "Evaluate a version's gates",
  tags: TAGS,
  params: VersionParams,
  response: { 200: GateReportSchema, ...errorResponses(400, 404) },
};

export const SetGatePolicyRoute = {
  summary: "Set (or with null clear) a model's gate policy (models:admin)",
  tags: TAGS,
  params: NameParams,
  body: Type.Object({ policy: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]) }, { additionalProperties: false }),
  response: { 200: Type.Object({ name: Type.String(), policy: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]) }), ...errorResponses(400, 404) },
};

export const CardRoute = {
  summary: 'The model card of a version (JSON, or Markdown with ?format=md)',
  tags: TAGS,
  params: VersionParams,
  querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('md')])) }, { additionalProperties: false }),
  response: { 200: Type.Unknown({ description: 'the card (application/json) or its Markdown (text/markdown)' }), ...errorResponses(400, 404) },
};

export const LineageRoute = {
  summary: 'Where a version came from: run, params, metrics, datasets, commit, parent',
  tags: TAGS,
  params: VersionParams,
  response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses(400, 404) },
};

export const DeleteVersionRoute = {
  summary: 'Delete a version (refused while an alias or the staging/production stage points at it)',
  tags: TAGS,
  params: VersionParams,
  response: { 200: Type.Object({ deleted: Type.String() }), ...errorResponses(400, 404, 409) },
};

export const DatasetLineageRoute = {
  summary: 'Runs and model versions built from a dataset version',
  tags: ['datasets'],
  params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }), version: Type.String({ pattern: '^(latest|[1-9][0-9]{0,9})$' }) }),
  response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses(400, 404) },
};

export const ImportModelRoute = {
  summary: 'Import a model file (the raw body, application/octet-stream): ONNX is stored as ONNX, XGBoost JSON and LightGBM text become Kiln bundles',
  tags: TAGS,
  params: NameParams,
  querystring: Type.Object({
    format: Type.Optional(Type.Union([Type.Literal('onnx'), Type.Literal('xgboost'), Type.Literal('lightgbm'), Type.Literal('kiln')], { description: 'detected from the content when omitted' })),
    filename: Type.Optional(Type.String({ maxLength: 200 })),
    columns: Type.Optional(Type.String({ maxLength: 100000, description: 'feature names or ONNX input columns, comma-separated' })),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
  }),
  response: { 201: Type.Intersect([ModelVersionSchema, Type.Object({ importedFrom: Type.String() })]), ...errorResponses(400, 403, 404, 409, 413, 415) },
};

export const ExportOnnxRoute = {
  summary: 'A Kiln version exported as an ONNX model (application/octet-stream)',
  tags: TAGS,
  params: VersionParams,
  response: { 200: Type.Any({ description: 'the ONNX ModelProto bytes (application/octet-stream)' }), ...errorResponses(400, 404) },
};
