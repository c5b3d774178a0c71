/**
 * TypeBox schemas of the training routes: `POST /v1/train` and the trained-model listing. The training
 * body names data only by reference and refuses unknown fields, so no field can carry a server path.
 */
import { Type } from 'typebox';
import { TASK_REQUESTS } from '../../training/train-request.js';
import { DatasetReference, errorResponses } from './common-schemas.js';
import { JobEnvelope } from './jobs-schemas.js';

/** A stored trained-model record. */
export const TrainedModel = Type.Object({
  id: Type.String(),
  artifactHash: Type.String({ description: 'sha256 of the model bundle in the artifact store' }),
  algorithm: Type.String(),
  task: Type.String(),
  target: Type.String(),
  sourceKind: Type.Union([Type.Literal('dataset'), Type.Literal('file'), Type.Literal('frame')]),
  dataset: Type.Union([Type.Object({ name: Type.String(), version: Type.Integer(), hash: Type.String() }), Type.Null()]),
  params: Type.Record(Type.String(), Type.Unknown()),
  metrics: Type.Record(Type.String(), Type.Number()),
  createdAt: Type.String(),
});

const TrainBody = Type.Object(
  {
    dataset: DatasetReference,
    target: Type.String({ minLength: 1, maxLength: 1024 }),
    algo: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'gbdt (default), logistic, linear, ridge, lasso, elasticnet' })),
    task: Type.Optional(Type.Union(TASK_REQUESTS.map((t) => Type.Literal(t)))),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'hyper-parameters of the algorithm' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    testFraction: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
    validFraction: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
    cv: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    exclude: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 100_000 })),
    positiveClass: Type.Optional(Type.String({ maxLength: 1024 })),
    async: Type.Optional(Type.Boolean({ description: 'true: submit a `train` job and answer 202 with it at once (see /v1/jobs); the job records a tracked run' })),
  },
  { additionalProperties: false },
);

/** `POST /v1/train`. */
export const TrainRoute = {
  summary: 'Train a model on a registered dataset version; blocks until it is trained, stored and recorded (or, with async: true, answers 202 with a job)',
  tags: ['training'],
  body: TrainBody,
  response: {
    201: Type.Object({
      model: TrainedModel,
      task: Type.String(),
      algo: Type.String(),
      metrics: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])),
      bestIteration: Type.Union([Type.Integer(), Type.Null()]),
      rows: Type.Object({ train: Type.Integer(), valid: Type.Integer(), test: Type.Integer() }),
      features: Type.Integer({ description: 'number of model features' }),
      cv: Type.Optional(Type.Unknown({ description: 'k-fold cross-validation: folds, mean, std' })),
      warnings: Type.Array(Type.String()),
      checksum: Type.String({ description: "the bundle's checksum" }),
    }),
    202: JobEnvelope,
    ...errorResponses(400, 404),
  },
};

/** `GET /v1/trained-models`. */
export const ListTrainedModelsRoute = {
  summary: 'Trained models, newest first (keyset-paged: pass next as cursor)',
  tags: ['training'],
  querystring: Type.Object(
    {
      limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$', description: 'page size, 1..1000 (default 50)' })),
      cursor: Type.Optional(Type.String({ maxLength: 2048, description: 'next of the previous page' })),
      dataset: Type.Optional(Type.String({ maxLength: 128, description: 'only models trained on this dataset name' })),
    },
    { additionalProperties: false },
  ),
  response: { 200: Type.Object({ items: Type.Array(TrainedModel), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400) },
};

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** `GET /v1/trained-models/:id`. */
export const GetTrainedModelRoute = {
  summary: 'One trained model',
  tags: ['training'],
  params: IdParams,
  response: { 200: TrainedModel, ...errorResponses(400, 404) },
};

/** `GET /v1/trained-models/:id/bundle`: the bundle text, sent as it is stored. */
export const GetTrainedModelBundleRoute = {
  summary: "A trained model's bundle (the kiln.model JSON document)",
  tags: ['training'],
  params: IdParams,
  response: { 200: Type.Any({ description: 'the kiln.model JSON document, byte for byte as stored' }), ...errorResponses(400, 404) },
};
