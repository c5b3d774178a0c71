/**
 * TypeBox schemas of the feature-store routes: `POST /v1/features/online` (entity keys + a feature
 * service or a feature list -> values with per-value status) and `POST /v1/features/push` (rows of one
 * feature view, validated per record).
 */
import type { TSchema } from 'typebox';
import { Type } from 'typebox';
import { errorResponses } from './common-schemas.js';

const Scalar = Type.Union([Type.String({ maxLength: 65_536 }), Type.Number(), Type.Boolean(), Type.Null()]);

const OnlineValue = Type.Object({
  status: Type.Union([Type.Literal('present'), Type.Literal('missing'), Type.Literal('outside_ttl')]),
  value: Scalar,
  eventTime: Type.Union([Type.Number({ description: 'epoch ms of the stored record' }), Type.Null()]),
});

/** `POST /v1/features/online`. */
export const OnlineFeaturesRoute = {
  summary: 'Online feature values for entities, each with its status (present, missing, outside_ttl)',
  tags: ['features'],
  body: Type.Object(
    {
      service: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
      features: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 127, description: 'VIEW:FEATURE' }), { minItems: 1, maxItems: 10_000 })),
      entities: Type.Array(Type.Record(Type.String({ maxLength: 63 }), Scalar), { maxItems: 10_000, description: 'join-key values per entity, e.g. {"customer_id": 1}' }),
      requestData: Type.Optional(Type.Array(Type.Record(Type.String({ maxLength: 63 }), Scalar), { maxItems: 10_000, description: 'request fields of on-demand features, one object per entity, e.g. {"amount": 120}' })),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({ features: Type.Array(Type.String()), results: Type.Array(Type.Record(Type.String(), OnlineValue)) }),
    ...errorResponses(400, 404),
  },
};

/** `POST /v1/features/push`. */
export const PushFeaturesRoute = {
  summary: 'Push rows of one feature view online: each is validated against the view; bad ones are rejected with the reason, the rest stored',
  tags: ['features'],
  body: Type.Object(
    {
      view: Type.String({ minLength: 1, maxLength: 63 }),
      rows: Type.Array(Type.Unknown(), { maxItems: 100_000 }),
    },
    { additionalProperties: false },
  ),
  response: {
    200: Type.Object({
      accepted: Type.Integer(),
      written: Type.Integer({ description: 'stored (not older than what was there)' }),
      stale: Type.Integer({ description: 'valid, but older than the stored record: ignored' }),
      rejected: Type.Array(Type.Object({ index: Type.Integer(), reason: Type.String() })),
    }),
    ...errorResponses(400, 404),
  },
};

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** `GET /v1/features/views/:name/stats`. */
export const FeatureViewStatsRoute = {
  summary: 'Offline and online statistics of one feature view: row counts, event-time range, freshness vs TTL, and a profile per feature',
  tags: ['features'],
  params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }) }),
  response: {
    200: Type.Object({
      view: Type.String(),
      version: Type.Integer(),
      source: Type.String(),
      offline: Type.Object({ rows: Type.Integer(), entities: Type.Integer(), earliestEventTime: Nullable(Type.String()), latestEventTime: Nullable(Type.String()) }),
      online: Type.Object({ entities: Type.Integer(), latestEventTime: Nullable(Type.String()) }),
      materialization: Type.Union([Type.Object({ watermark: Type.String(), rows: Type.Integer(), materializedAt: Type.String() }), Type.Null()]),
      freshness: Type.Object({ latestEventTime: Nullable(Type.String()), ageSeconds: Nullable(Type.Number()), ttlSeconds: Nullable(Type.Number()), stale: Nullable(Type.Boolean()) }),
      features: Type.Array(
        Type.Object({
          name: Type.String(),
          type: Type.String(),
          count: Type.Integer(),
          missing: Type.Integer(),
          missingFraction: Type.Number(),
          distinct: Type.Integer(),
          min: Type.Union([Type.Number(), Type.String(), Type.Null()]),
          max: Type.Union([Type.Number(), Type.String(), Type.Null()]),
          mean: Nullable(Type.Number()),
          std: Nullable(Type.Number()),
          quantiles: Type.Union([Type.Object({ p1: Type.Number(), p5: Type.Number(), p25: Type.Number(), p50: Type.Number(), p75: Type.Number(), p95: Type.Number(), p99: Type.Number() }), Type.Null()]),
          topCategories: Type.Union([Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }, { additionalProperties: true })), Type.Null()]),
        }),
      ),
    }),
    ...errorResponses(400, 404),
  },
};

/** `POST /v1/endpoints/:name/predict-from-features`. */
export const PredictFromFeaturesRoute = {
  summary: "Score an endpoint from entity keys alone: the feature service's online features (and on-demand ones from requestData) are fetched and assembled into the instances",
  tags: ['serving', 'features'],
  params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }) }),
  body: Type.Object(
    {
      featureService: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "optional: the endpoint's own service (settings.featureService, else the one its model was trained on) is used; a different one is refused (409)" })),
      entities: Type.Array(Type.Record(Type.String({ maxLength: 63 }), Scalar), { maxItems: 10_000, description: 'join-key values per entity, e.g. {"customer_id": 1}' }),
      requestData: Type.Optional(Type.Array(Type.Record(Type.String({ maxLength: 63 }), Scalar), { maxItems: 10_000 })),
    },
    { additionalProperties: false },
  ),
};
