/**
 * TypeBox schemas of async inference (`/v1/endpoints/{name}/async`): the predict body (`instances` or
 * `columns`, checked against the model's signature when the job runs) plus an optional `callbackUrl`.
 */
import { Type } from 'typebox';
import { errorResponses } from './common-schemas.js';

const TAGS = ['serving'];
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Status = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')]);
const Callback = Type.Object({ url: Type.String(), delivered: Type.Boolean(), attempts: Type.Integer(), status: Type.Optional(Type.Integer()), error: Type.Optional(Type.String()), at: Type.String() });
const ErrorDoc = Type.Object({ code: Type.String(), message: Type.String(), hint: Type.Optional(Type.String()), details: Type.Optional(Type.Object({}, { additionalProperties: true })), status: Type.Optional(Type.Integer()) });
const Predictions = Type.Object(
  {
    predictions: Type.Array(Type.Union([Type.String(), Type.Number()])),
    probabilities: Type.Optional(Type.Array(Type.Array(Type.Number()))),
    labels: Type.Optional(Type.Array(Type.String())),
    modelVersion: Type.String(),
    variant: Type.String(),
    predictionIds: Type.Array(Type.String()),
  },
  { description: 'the native predict response' },
);

export const SubmitAsyncInferenceRoute = {
  summary: 'Score a (large) predict payload asynchronously: 202 with an id and a status URL; optional callbackUrl receives the outcome',
  tags: TAGS,
  params: Type.Object({ name: Name }),
  body: Type.Object(
    {
      instances: Type.Optional(Type.Array(Type.Unknown())),
      columns: Type.Optional(Type.Object({}, { additionalProperties: true })),
      callbackUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'POSTed the outcome when done (outbound-URL policy applies)' })),
    },
    { additionalProperties: false },
  ),
  response: { 202: Type.Object({ id: Type.String(), endpoint: Type.String(), status: Status, rows: Type.Integer(), statusUrl: Type.String() }), ...errorResponses(400, 404, 413) },
};
export const GetAsyncInferenceRoute = {
  summary: 'Status of an async request, with its predictions (or errors) once done',
  tags: TAGS,
  params: Type.Object({ name: Name, id: Type.String({ minLength: 1, maxLength: 200 }) }),
  response: {
    200: Type.Object({
      id: Type.String(),
      endpoint: Type.String(),
      status: Status,
      rows: Type.Integer(),
      createdAt: Type.String(),
      finishedAt: Type.Union([Type.String(), Type.Null()]),
      result: Type.Optional(Predictions),
      error: Type.Optional(ErrorDoc),
      callback: Type.Optional(Callback),
    }),
    ...errorResponses(404),
  },
};
