/**
 * TypeBox schemas of the alert routes (`/v1/alerts`): rules (`{name, project, monitor, condition,
 * severity, channels, actions, cooldownSeconds, createdAt, createdBy}`, webhook secrets hidden except in
 * the creation answer, which also carries `warnings`; each webhook says its `secretStorage`), alerts and their history (docs/monitoring.md "Alerts and actions").
 */
import { Type } from 'typebox';
import { errorResponses } from './common-schemas.js';

const TAGS = ['alerts'];
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Severity = Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]);
const PageQuery = { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'page size, 1..1000' })), cursor: Type.Optional(Type.String({ maxLength: 4096 })) };
const Channel = Type.Object({ kind: Type.String(), url: Type.Optional(Type.String()), to: Type.Optional(Type.String()), secret: Type.Optional(Type.String({ description: 'the signing secret: shown once, in the answer to the creation; "[hidden]" afterwards' })),
  secretStorage: Type.Optional(Type.Union([Type.Literal('plaintext'), Type.Literal('encrypted')], { description: 'webhooks: whether the signing secret is encrypted at rest (a master key is configured) or stored as plain text (docs/security.md)' })),
});
const Action = Type.Object({ kind: Type.String(), variant: Type.Optional(Type.String()), defaultAnswer: Type.Optional(Type.Union([Type.String(), Type.Number()])) });

/** An alert rule. */
export const AlertRuleSchema = Type.Object({
  project: Type.String(),
  name: Type.String(),
  monitor: Type.String({ description: 'the monitor whose runs the rule reads; "@rollouts" for a rule over rollout events' }),
  condition: Type.String({ description: 'METRIC[(COLUMN)] OP NUMBER [for N runs], or "on EVENT,... [of endpoint E]" for rollout events' }),
  events: Type.Optional(Type.Array(Type.String(), { description: 'rollout-event rules: the events that fire it' })),
  endpoint: Type.Optional(Type.String({ description: 'rollout-event rules: only this endpoint\'s rollouts' })),
  severity: Severity,
  channels: Type.Array(Channel),
  actions: Type.Array(Action),
  cooldownSeconds: Type.Integer(),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

/** An alert. */
export const AlertSchema = Type.Object({
  project: Type.String(),
  id: Type.String(),
  rule: Type.String(),
  monitor: Type.String(),
  endpoint: Type.String(),
  severity: Severity,
  condition: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  value: Type.Number({ description: 'the value that fired it' }),
  runId: Type.String(),
  firedAt: Type.String(),
  lastValue: Type.Number(),
  lastSeenAt: Type.String(),
  occurrences: Type.Integer({ description: 'breaching runs while open (de-duplicated: notified once)' }),
  resolvedAt: Nullable(Type.String()),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgedAt: Nullable(Type.String()),
  rollout: Type.Optional(
    Type.Object(
      {
        id: Type.String(),
        event: Type.String({ description: 'rollout.breach, rollout.rolled_back, ...' }),
        strategy: Type.String(),
        message: Type.String(),
        breach: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'guard, metric, variant, value, threshold, op, windowStart, windowEnd, requests, at' }),
      },
      { description: 'alerts raised by a rollout event (runId is the rollout id; value the breach value, else 0)' },
    ),
  ),
});

const AlertEvent = Type.Object({
  alertId: Type.String(),
  seq: Type.Integer(),
  at: Type.String(),
  kind: Type.String({ description: 'fired, repeated, suppressed, delivery, action, acknowledged, resolved' }),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

/** `POST /v1/alerts/rules`. */
export const CreateAlertRuleRoute = {
  summary: 'Create an alert rule over a monitor\'s results (monitor + rule) or over rollout events (on), with channels and automated actions',
  tags: TAGS,
  body: Type.Object(
    {
      name: Type.String({ maxLength: 63 }),
      monitor: Type.Optional(Type.String({ maxLength: 63, description: 'the monitor whose runs the rule reads (or on)' })),
      rule: Type.Optional(Type.String({ maxLength: 300, description: 'with monitor: e.g. "drift_share > 0.3 for 2 runs", "psi(age) > 0.2", "auc < 0.75"' })),
      on: Type.Optional(
        Type.Union([Type.String({ maxLength: 300 }), Type.Array(Type.String({ maxLength: 40 }), { maxItems: 8 })], {
          description: 'instead of monitor + rule: rollout events that fire the rule, e.g. "rollout.rolled_back,rollout.breach" (rollout.started, step, look, breach, promoted, rolled_back, aborted, alias_failed)',
        }),
      ),
      endpoint: Type.Optional(Type.String({ maxLength: 63, description: 'with on: only this endpoint\'s rollouts' })),
      severity: Type.Optional(Type.String({ maxLength: 20, description: 'info, warning (default) or critical' })),
      channels: Type.Optional(Type.Array(Type.String({ maxLength: 2100 }), { maxItems: 10, description: 'webhook:URL, slack:URL or email:ADDRESS' })),
      webhookSecret: Type.Optional(Type.String({ maxLength: 256, description: 'signing secret of the webhook channels (default: generated, returned once)' })),
      actions: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 3, description: 'retrain, rollback, circuit-breaker or circuit-breaker:VARIANT' })),
      defaultAnswer: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Number()], { description: 'the circuit breaker\'s answer when no variant is left' })),
      cooldown: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Integer()], { description: '30m (default; 0 for rollout-event rules), 2h, 90s, 1d or seconds' })),
    },
    { additionalProperties: false },
  ),
  response: {
    201: Type.Object({ rule: AlertRuleSchema, warnings: Type.Array(Type.String(), { description: 'e.g. webhook secrets stored as plain text because no master key is configured' }) }),
    ...errorResponses(400, 403, 409),
  },
};

/** `GET /v1/alerts/rules`. */
export const ListAlertRulesRoute = {
  summary: 'Alert rules of the project, by name',
  tags: TAGS,
  querystring: Type.Object(PageQuery, { additionalProperties: false }),
  response: { 200: Type.Object({ rules: Type.Array(AlertRuleSchema), next: Nullable(Type.String()) }), ...errorResponses(400) },
};

const RuleName = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) });

/** `GET /v1/alerts/rules/:name`. */
export const GetAlertRuleRoute = { summary: 'One alert rule', tags: TAGS, params: RuleName, response: { 200: Type.Object({ rule: AlertRuleSchema }), ...errorResponses(404) } };

/** `DELETE /v1/alerts/rules/:name`. */
export const DeleteAlertRuleRoute = { summary: 'Delete an alert rule (its alerts stay as history)', tags: TAGS, params: RuleName, response: { 200: Type.Object({ deleted: Type.String() }), ...errorResponses(404) } };

/** `GET /v1/alerts`. */
export const ListAlertsRoute = {
  summary: 'Alerts of the project, newest first (keyset-paged)',
  tags: TAGS,
  querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])), rule: Type.Optional(Type.String({ maxLength: 63 })), ...PageQuery }, { additionalProperties: false }),
  response: { 200: Type.Object({ alerts: Type.Array(AlertSchema), next: Nullable(Type.String()) }), ...errorResponses(400) },
};

const AlertId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/** `GET /v1/alerts/:id`. */
export const GetAlertRoute = { summary: 'One alert with its history: deliveries (every attempt), actions, acknowledgement, resolution', tags: TAGS, params: AlertId, response: { 200: Type.Object({ alert: AlertSchema, events: Type.Array(AlertEvent) }), ...errorResponses(404) } };

/** `POST /v1/alerts/:id/ack`. */
export const AckAlertRoute = {
  summary: 'Acknowledge an alert (who and when are recorded)',
  tags: TAGS,
  params: AlertId,
  body: Type.Optional(Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false })),
  response: { 200: Type.Object({ alert: AlertSchema }), ...errorResponses(404, 409) },
};
