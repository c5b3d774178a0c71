/**
 * TypeBox schemas of the rollout routes (`/v1/endpoints/{name}/rollout...`). The service checks every field
 * again (the same checks as the CLI) and names the bad one; these document the shapes in OpenAPI.
 */
import { Type } from 'typebox';
import { errorResponses } from './common-schemas.js';

const TAGS = ['rollouts'];
const Params = Type.Object({ name: Type.String({ maxLength: 200 }) });
const Loose = (description: string) => Type.Object({}, { additionalProperties: true, description });

const StartBody = Type.Object(
  {
    to: Type.String({ minLength: 1, maxLength: 1024, description: 'the new model: NAME@VERSION, NAME@ALIAS or trained:ID' }),
    strategy: Type.Union([Type.Literal('blue-green'), Type.Literal('canary'), Type.Literal('linear'), Type.Literal('shadow'), Type.Literal('ab'), Type.Literal('bandit')]),
    steps: Type.Optional(Type.Array(Type.Number(), { maxItems: 20, description: 'candidate share per step in percent, ending at 100 (canary, linear)' })),
    stepCount: Type.Optional(Type.Integer({ description: 'linear: equal steps when steps is not given (default 4)' })),
    bake: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Number()], { description: 'baking time per step: 5m, 90s, 1500ms (default 5m)' })),
    window: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Number()], { description: 'guard window (default: the bake)' })),
    guards: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 16, description: 'METRIC OP NUMBER, e.g. "error_rate < 0.01", "p99_ms < 50", "psi < 0.2", "accuracy > 0.8". Metrics: error_rate, p50_ms, p95_ms, p99_ms, mean_ms, psi (candidate prediction scores against its model\'s training prediction histogram), psi_vs_stable (against the stable variant\'s predictions, same window), accuracy, rmse' })),
    minRequests: Type.Optional(Type.Integer({ description: 'candidate requests in the window before a guard is judged (default 20)' })),
    stickyKey: Type.Optional(Type.String({ maxLength: 110, description: 'ab: request field, or header:NAME, whose hash assigns the variant' })),
    weights: Type.Optional(Type.Array(Type.Number(), { maxItems: 20, description: 'ab: percent for baseline and candidate, summing to 100' })),
    shadowSampleRate: Type.Optional(Type.Number({ description: 'shadow: share of live requests mirrored, (0, 1]' })),
    mde: Type.Optional(Type.Number({ description: 'ab/bandit: smallest outcome difference worth detecting (absolute); default 10% of the control metric' })),
    candidateVariant: Type.Optional(Type.String({ maxLength: 63 })),
    promoteAlias: Type.Optional(Type.String({ maxLength: 63, description: 'registry alias moved to the new version on promotion' })),
    override: Type.Optional(Type.Boolean({ description: 'roll out a version failing its registry gates (needs models:admin and reason; audited)' })),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

/** A rollout view: the rollout, its step, breach, events and live per-variant numbers. */
const RolloutViewSchema = Type.Object(
  {
    rollout: Loose('the rollout: id, endpoint, strategy, status, plan (to, steps, bakeMs, guards, stickyKey, weights, ...), actor, times'),
    step: Type.Object({ index: Type.Integer(), of: Type.Integer(), percent: Type.Number(), startedAt: Type.String(), bakeEndsAt: Type.String(), bakeRemainingMs: Type.Number() }),
    breach: Type.Union([Loose('guard, metric, variant, value, threshold, op, windowStart, windowEnd, requests, at'), Type.Null()]),
    events: Type.Array(Loose('at, kind, message, details')),
    live: Type.Union([Loose('windowStart, windowEnd, variants (requests, errors, errorRate, p50Ms, p99Ms, missingKeys), guards (readings: guard, metric, variant, value, holds, note — why a guard is not judged yet, e.g. a model without a training prediction baseline)'), Type.Null()]),
  },
  { additionalProperties: true },
);

export const StartRolloutRoute = { summary: 'Start a rollout of a new model version on the endpoint', tags: TAGS, params: Params, body: StartBody, response: { 201: RolloutViewSchema, ...errorResponses(400, 403, 404, 409) } };
export const RolloutStatusRoute = { summary: 'The running (else latest) rollout with live guard readings', tags: TAGS, params: Params, response: { 200: RolloutViewSchema, ...errorResponses(404) } };
export const RolloutActionRoute = (what: string) => ({ summary: `${what} the running rollout`, tags: TAGS, params: Params, response: { 200: RolloutViewSchema, ...errorResponses(404, 409) } });
export const RolloutReportRoute = {
  summary: 'Per-variant time series of the rollout: traffic, errors, latency, outcomes',
  tags: TAGS,
  params: Params,
  response: { 200: Type.Object({ rollout: RolloutViewSchema, from: Type.String(), to: Type.String(), bucketMs: Type.Number(), series: Type.Array(Loose('variant, shadow, models, total, points')) }, { additionalProperties: true }), ...errorResponses(404) },
};
export const RolloutHistoryRoute = {
  summary: 'Rollouts of the endpoint, newest first',
  tags: TAGS,
  params: Params,
  querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) }),
  response: { 200: Type.Object({ rollouts: Type.Array(Loose('a rollout as stored: id, strategy, status, spec, state, times')) }), ...errorResponses(400) },
};
