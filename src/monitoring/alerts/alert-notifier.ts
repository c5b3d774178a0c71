/**
 * Sends one notification to every channel of a rule at once and records each delivery (every attempt)
 * in the alert's history. Bounded: each channel runs under the retry policy (attempts x per-attempt
 * timeout + backoff), so a monitor run waits at most that long, and a channel that hangs or fails never
 * stops the others.
 */
import type { AlertRecord, AlertRepository, AlertRuleRecord } from '../../store/alert-repository.js';
import type { AlertNotificationEvent } from './channels/alert-message.js';
import type { ChannelContext } from './channels/alert-channels.js';
import { channelLabel, deliverToChannel } from './channels/alert-channels.js';

/** The outcome of one channel's delivery. */
export interface ChannelDeliverySummary {
  readonly channel: string;
  readonly ok: boolean;
  readonly attempts: number;
}

/** Notify every channel of `rule` about `alert`; never throws. */
export async function notifyChannels(repo: AlertRepository, rule: AlertRuleRecord, alert: AlertRecord, event: AlertNotificationEvent, reason: string, ctx: ChannelContext): Promise<ChannelDeliverySummary[]> {
  return Promise.all(
    rule.channels.map(async (spec) => {
      const label = channelLabel(spec);
      const outcome = await deliverToChannel(spec, { event, alert, reason }, ctx);
      await repo.appendEvent(alert.id, 'delivery', { channel: label, kind: spec.kind, event, ok: outcome.ok, attempts: outcome.attempts }, new Date().toISOString());
      return { channel: label, ok: outcome.ok, attempts: outcome.attempts.length };
    }),
  );
}
