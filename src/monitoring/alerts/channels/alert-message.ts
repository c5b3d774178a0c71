/**
 * What an alert notification says, in the three shapes the channels send: the webhook JSON document
 * (a stable wire format: `{version, event, alert, reason}`, docs/specs/alert-webhook.md; alerts raised by
 * a rollout event add `source: "rollout"` and `alert.rollout`), the Slack-compatible
 * `{text, blocks}` body, and an email subject and text.
 */
import type { AlertRecord } from '../../../store/alert-repository.js';

/** Why a notification is sent. */
export type AlertNotificationEvent = 'fired' | 'resolved';

/** One notification about one alert. */
export interface AlertNotification {
  readonly event: AlertNotificationEvent;
  readonly alert: AlertRecord;
  /** The verdict in words (`drift_share = 0.5 > 0.3 for 2 runs`). */
  readonly reason: string;
}

/** The webhook body (version 1). */
export function webhookDocument(n: AlertNotification): Record<string, unknown> {
  const a = n.alert;
  return {
    version: 1,
    event: n.event,
    alert: {
      id: a.id,
      project: a.project,
      rule: a.rule,
      monitor: a.monitor,
      endpoint: a.endpoint,
      severity: a.severity,
      condition: a.condition,
      status: a.status,
      value: a.value,
      lastValue: a.lastValue,
      runId: a.runId,
      firedAt: a.firedAt,
      resolvedAt: a.resolvedAt,
      ...(a.rollout ? { rollout: a.rollout } : {}),
    },
    source: a.rollout ? 'rollout' : 'monitor',
    reason: n.reason,
  };
}

/** Where the alert came from, in words: the monitor, or the rollout and its event. */
function origin(a: AlertRecord): string {
  return a.rollout ? `rollout ${a.rollout.id}, ${a.rollout.event}` : `monitor ${a.monitor}`;
}

/** A one-line summary. */
export function summaryLine(n: AlertNotification): string {
  const a = n.alert;
  const head = n.event === 'fired' ? `[${a.severity.toUpperCase()}] ${a.rule} fired` : `[RESOLVED] ${a.rule}`;
  return `${head} on endpoint ${a.endpoint} (${origin(a)}, project ${a.project}): ${n.reason}`;
}

/** The Slack incoming-webhook body: plain `text` (notifications, fallbacks) plus Block Kit `blocks`. */
export function slackBody(n: AlertNotification): { text: string; blocks: unknown[] } {
  const a = n.alert;
  const emoji = n.event === 'resolved' ? ':white_check_mark:' : a.severity === 'critical' ? ':rotating_light:' : a.severity === 'warning' ? ':warning:' : ':information_source:';
  return {
    text: summaryLine(n),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `${n.event === 'fired' ? 'Alert' : 'Resolved'}: ${a.rule}`.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: `${emoji} *${a.severity}* \`${a.condition}\`\n${n.reason}` } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Endpoint*\n${a.endpoint}` },
          a.rollout ? { type: 'mrkdwn', text: `*Rollout*\n${a.rollout.id} (${a.rollout.event})` } : { type: 'mrkdwn', text: `*Monitor*\n${a.monitor}` },
          { type: 'mrkdwn', text: `*Project*\n${a.project}` },
          { type: 'mrkdwn', text: `*Alert*\n${a.id}` },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `fired ${a.firedAt}${a.resolvedAt ? `, resolved ${a.resolvedAt}` : ''} · \`kiln alerts show ${a.id}\`` }] },
    ],
  };
}

/** Email subject and plain-text body. */
export function emailContent(n: AlertNotification): { subject: string; text: string } {
  const a = n.alert;
  const subject = `${n.event === 'fired' ? `[kiln ${a.severity}]` : '[kiln resolved]'} ${a.rule} on ${a.endpoint}`;
  const text = [
    summaryLine(n),
    '',
    `Condition:  ${a.condition}`,
    `Value:      ${a.lastValue}`,
    a.rollout ? `Rollout:    ${a.rollout.id} (${a.rollout.event}, ${a.rollout.strategy})` : `Monitor:    ${a.monitor} (run ${a.runId})`,
    `Fired:      ${a.firedAt}`,
    ...(a.resolvedAt ? [`Resolved:   ${a.resolvedAt}`] : []),
    '',
    `Details: kiln alerts show ${a.id} --project ${a.project}`,
  ].join('\n');
  return { subject, text };
}
