/**
 * Alert rules over rollout events (`--on rollout.rolled_back,rollout.breach [--endpoint E]`): serving
 * emits the events (`kiln.rollouts.onEvent`, wired to `kiln.alerts.onRolloutEvent` in `openKiln`), and
 * each matching rule raises an alert that goes through the same channels and history as monitor alerts.
 * An event reports something that already happened, so its alert is recorded resolved at once (there is no
 * condition to clear; acknowledge it to record who looked). De-duplication: further matching events of the
 * same rollout (a breach, then its rollback) are counted on its alert as `repeated`, not sent again.
 * Cooldown: within the rule's cooldown after its last alert fired, an event of another rollout is recorded
 * on that alert as `suppressed` (default cooldown 0: every rollout notifies).
 */
import { randomUUID } from 'node:crypto';
import type { AlertRecord, AlertRepository, AlertRuleRecord } from '../../store/alert-repository.js';
import { ROLLOUT_EVENTS_MONITOR } from '../../store/alert-repository.js';
import type { RolloutEvent } from '../../serving/rollout/rollout-events.js';
import type { ChannelDeliverySummary } from './alert-notifier.js';
import { notifyChannels } from './alert-notifier.js';
import type { ChannelContext } from './channels/alert-channels.js';

/** What one event did to one rule. */
export interface RolloutEventRuleReport {
  readonly rule: string;
  readonly change: 'fired' | 'repeated' | 'suppressed' | 'none';
  readonly alert: string | null;
  readonly deliveries: readonly ChannelDeliverySummary[];
}

/** Whether `rule` listens to `event`. */
export function ruleMatchesEvent(rule: AlertRuleRecord, event: RolloutEvent): boolean {
  return rule.monitor === ROLLOUT_EVENTS_MONITOR && (rule.events ?? []).includes(event.type) && (rule.endpoint === undefined || rule.endpoint === event.endpoint);
}

/** The guard breach an event carries: a breach event's details, or a rollback's `details.breach`. */
export function breachOf(event: RolloutEvent): Record<string, unknown> | null {
  if (event.type === 'rollout.breach') return event.details;
  const b = event.details.breach;
  return b !== null && typeof b === 'object' ? (b as Record<string, unknown>) : null;
}

/** The event in words, naming the breach (metric, value, threshold, window) when there is one. */
export function eventReason(event: RolloutEvent): string {
  const b = breachOf(event);
  const head = `${event.type} on endpoint ${event.endpoint} (rollout ${event.rolloutId}, ${event.strategy}): ${event.message}`;
  if (!b) return head;
  const seconds = typeof b.windowEnd === 'number' && typeof b.windowStart === 'number' ? Math.round((b.windowEnd - b.windowStart) / 1000) : null;
  return `${head}; breach: ${String(b.metric)} = ${String(b.value)}, threshold ${String(b.op)} ${String(b.threshold)}${seconds !== null ? ` over ${seconds} s` : ''}${typeof b.requests === 'number' ? ` (${b.requests} requests)` : ''} on ${String(b.variant)}`;
}

/** Judge one event against one matching rule: fire (and notify), count a repeat, or suppress. */
export async function judgeRolloutEvent(project: string, repo: AlertRepository, rule: AlertRuleRecord, event: RolloutEvent, at: string, channels: ChannelContext): Promise<RolloutEventRuleReport> {
  const breach = breachOf(event);
  const value = typeof breach?.value === 'number' && Number.isFinite(breach.value) ? breach.value : 0;
  const reason = eventReason(event);
  const latest = await repo.latestAlertOf(rule.name);
  if (latest && latest.runId === event.rolloutId) {
    await repo.updateAlert({ ...latest, lastValue: value, lastSeenAt: at, occurrences: latest.occurrences + 1 });
    await repo.appendEvent(latest.id, 'repeated', { event: event.type, value, reason }, at);
    return { rule: rule.name, change: 'repeated', alert: latest.id, deliveries: [] };
  }
  if (latest && Date.parse(latest.firedAt) + rule.cooldownSeconds * 1000 > Date.parse(at)) {
    const until = new Date(Date.parse(latest.firedAt) + rule.cooldownSeconds * 1000).toISOString();
    await repo.appendEvent(latest.id, 'suppressed', { event: event.type, rolloutId: event.rolloutId, endpoint: event.endpoint, value, reason, cooldownUntil: until }, at);
    return { rule: rule.name, change: 'suppressed', alert: latest.id, deliveries: [] };
  }
  const alert: AlertRecord = {
    project,
    id: randomUUID(),
    rule: rule.name,
    monitor: ROLLOUT_EVENTS_MONITOR,
    endpoint: event.endpoint,
    severity: rule.severity,
    condition: rule.condition,
    status: 'resolved',
    value,
    runId: event.rolloutId,
    firedAt: at,
    lastValue: value,
    lastSeenAt: at,
    occurrences: 1,
    resolvedAt: at,
    acknowledgedBy: null,
    acknowledgedAt: null,
    rollout: { id: event.rolloutId, event: event.type, strategy: event.strategy, message: event.message, breach },
  };
  await repo.createAlert(alert);
  await repo.appendEvent(alert.id, 'fired', { event: event.type, rolloutId: event.rolloutId, value, reason, ...(breach ? { breach } : {}) }, at);
  const deliveries = await notifyChannels(repo, rule, alert, 'fired', reason, channels);
  return { rule: rule.name, change: 'fired', alert: alert.id, deliveries };
}
