/**
 * TypeBox schema of the feedback route (`POST /v1/endpoints/{name}/feedback`): ground-truth labels for
 * predictions an endpoint returned, and the report (what was stored, which ids are unknown).
 */
import { Type } from 'typebox';
import { errorResponses } from './common-schemas.js';

/** An endpoint name in a path. */
export const FeedbackEndpointName = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'Endpoint name: 1-128 letters, digits, ".", "_" and "-", starting with a letter or digit',
});

/** One label. */
export const FeedbackItemSchema = Type.Object(
  {
    predictionId: Type.String({ minLength: 1, maxLength: 200, description: 'An id from the `predictionIds` of a predict response' }),
    label: Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()], { description: 'The true value: a class label or a number' }),
  },
  { additionalProperties: false },
);

/** What a feedback call answers. */
export const FeedbackReportSchema = Type.Object({
  project: Type.String(),
  endpoint: Type.String(),
  received: Type.Integer({ description: 'Items in the request' }),
  inserted: Type.Integer({ description: 'New labels' }),
  updated: Type.Integer({ description: 'Labels that replaced a different earlier label (last wins; the history is kept)' }),
  unchanged: Type.Integer({ description: 'Labels already stored as sent (idempotent retries)' }),
  unknown: Type.Array(Type.Object({ index: Type.Integer(), predictionId: Type.String() }), { description: 'Items whose prediction id this endpoint never returned; not stored' }),
});

/** `POST /v1/endpoints/{name}/feedback`. */
export const RecordFeedbackRoute = {
  summary: 'Record ground-truth labels for predictions (late, batched, idempotent); unknown prediction ids are reported per item',
  tags: ['endpoints'],
  params: Type.Object({ name: FeedbackEndpointName }),
  body: Type.Object({ feedback: Type.Array(FeedbackItemSchema, { minItems: 1, maxItems: 10000 }) }, { additionalProperties: false }),
  response: { 200: FeedbackReportSchema, ...errorResponses(400, 401, 403, 404, 413) },
};
