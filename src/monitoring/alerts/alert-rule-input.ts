/**
 * Checking a new alert rule as the CLI and the HTTP API give it: names, the source — a monitor and a
 * condition (grammar errors point at the position), or rollout events (`on: rollout.rolled_back,...`,
 * optionally of one endpoint) — severity, channels (`webhook:URL`, `slack:URL`, `email:ADDRESS`), actions
 * (`retrain`, `rollback`, `circuit-breaker[:VARIANT]`) and the cooldown (`30m`, `2h`, `90s`, `1d` or
 * seconds). Every error is a UsageError naming the field as the request spells it.
 */
import { UsageError } from '../../core/errors.js';
import type { AlertActionSpec, AlertChannelSpec, AlertSeverity } from '../../store/alert-repository.js';
import { ALERT_SEVERITIES, ROLLOUT_EVENTS_MONITOR } from '../../store/alert-repository.js';
import { ROLLOUT_EVENT_TYPES } from '../../serving/rollout/rollout-events.js';
import { parseAlertCondition } from './alert-condition.js';
import { MAX_CHANNELS, parseChannelSpec } from './channels/alert-channels.js';

/** What a caller gives to create a rule. */
export interface CreateAlertRuleInput {
  readonly name: string;
  /** The monitor whose runs the rule reads (or `on` instead). */
  readonly monitor?: string;
  /** The condition, e.g. `drift_share > 0.3 for 2 runs` (with `monitor`). */
  readonly rule?: string;
  /** Rollout events that fire the rule instead of a monitor: `rollout.rolled_back,rollout.breach` or a list. */
  readonly on?: string | readonly string[];
  /** With `on`: only that endpoint's rollouts. */
  readonly endpoint?: string;
  readonly severity?: string;
  /** `webhook:URL`, `slack:URL`, `email:ADDRESS`. */
  readonly channels?: readonly string[];
  /** Signing secret of the webhook channels (default: a random one, returned once). */
  readonly webhookSecret?: string;
  /** `retrain`, `rollback`, `circuit-breaker` or `circuit-breaker:VARIANT`. */
  readonly actions?: readonly string[];
  /** The circuit breaker's answer when no variant is left. */
  readonly defaultAnswer?: string | number;
  /** `30m`, `2h`, `90s`, `1d`, or seconds. */
  readonly cooldown?: string | number;
}

/** A checked rule, ready to store. */
export interface CheckedAlertRule {
  readonly name: string;
  readonly monitor: string;
  readonly condition: string;
  readonly severity: AlertSeverity;
  readonly channels: AlertChannelSpec[];
  readonly actions: AlertActionSpec[];
  readonly cooldownSeconds: number;
  /** Rollout-event rules only. */
  readonly events?: string[];
  readonly endpoint?: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Default cooldown: 30 minutes. */
export const DEFAULT_COOLDOWN_SECONDS = 1800;
const MAX_COOLDOWN_SECONDS = 30 * 86400;
const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

function checkName(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new UsageError(`${field} must be 1-63 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit (got ${JSON.stringify(value)?.slice(0, 80)})`, { field }, `Name the ${what} like "churn-drift".`);
  }
  return value;
}

/** Seconds from `30m`, `2h`, `90s`, `1d` or a number of seconds. */
export function parseCooldown(value: unknown, field = 'cooldown'): number {
  if (value === undefined) return DEFAULT_COOLDOWN_SECONDS;
  let seconds: number;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string') {
    const m = /^\s*([0-9]{1,9})\s*([smhd]?)\s*$/.exec(value);
    if (!m) throw new UsageError(`${field} must be a duration like 30m, 2h, 90s or 1d (got ${JSON.stringify(value.slice(0, 40))})`, { field });
    seconds = Number(m[1]) * (UNITS[m[2] || 's'] ?? 1);
  } else throw new UsageError(`${field} must be a duration like 30m`, { field });
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > MAX_COOLDOWN_SECONDS) throw new UsageError(`${field} must be from 0 to 30 days`, { field });
  return seconds;
}

/** Parse `retrain`, `rollback`, `circuit-breaker` or `circuit-breaker:VARIANT`. */
export function parseActionSpec(text: unknown, defaultAnswer: string | number | undefined, field = 'action'): AlertActionSpec {
  if (typeof text !== 'string') throw new UsageError(`${field} must be retrain, rollback or circuit-breaker`, { field });
  const [kind, variant, extra] = text.split(':');
  if (extra !== undefined) throw new UsageError(`${field}: too many ":" in ${JSON.stringify(text.slice(0, 80))}`, { field });
  if (kind === 'retrain' || kind === 'rollback') {
    if (variant !== undefined) throw new UsageError(`${field}: ${kind} takes no variant`, { field });
    return { kind };
  }
  if (kind === 'circuit-breaker') {
    if (variant !== undefined) checkName(variant, field, 'variant');
    return { kind, ...(variant !== undefined ? { variant } : {}), ...(defaultAnswer !== undefined ? { defaultAnswer } : {}) };
  }
  throw new UsageError(`${field}: unknown action ${JSON.stringify(text.slice(0, 40))}`, { field }, 'Use retrain, rollback or circuit-breaker[:VARIANT].');
}

/** Parse `rollout.rolled_back,rollout.breach` (or a list) into known, distinct event types. */
export function parseRolloutEvents(value: unknown, field = 'on'): string[] {
  const parts = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? (value as unknown[]) : null;
  if (parts === null) throw new UsageError(`${field} must name rollout events, e.g. "rollout.rolled_back,rollout.breach"`, { field });
  const events = parts.map((p) => (typeof p === 'string' ? p.trim() : ''));
  if (events.length === 0 || events.length > ROLLOUT_EVENT_TYPES.length) throw new UsageError(`${field} must name 1 to ${ROLLOUT_EVENT_TYPES.length} rollout events`, { field });
  for (const [i, e] of events.entries()) {
    if (!(ROLLOUT_EVENT_TYPES as readonly string[]).includes(e)) {
      throw new UsageError(`${field}[${i}]: unknown rollout event ${JSON.stringify(e.slice(0, 60))}`, { field }, `Use any of ${ROLLOUT_EVENT_TYPES.join(', ')}.`);
    }
  }
  if (new Set(events).size !== events.length) throw new UsageError(`${field}: an event is named twice`, { field });
  return events;
}

/** Check everything about a new rule that needs no I/O. */
export function checkAlertRuleInput(input: CreateAlertRuleInput): CheckedAlertRule {
  if (input === null || typeof input !== 'object') throw new UsageError('an alert rule is an object with name, monitor and rule (or on: rollout events)', { field: 'body' });
  const name = checkName(input.name, 'name', 'rule');
  const onEvents = input.on !== undefined;
  if (onEvents && (input.monitor !== undefined || input.rule !== undefined)) throw new UsageError('a rule reads either a monitor (monitor + rule) or rollout events (on), not both', { field: input.monitor !== undefined ? 'monitor' : 'rule' });
  if (!onEvents && input.endpoint !== undefined) throw new UsageError('endpoint narrows rollout-event rules: add on (e.g. rollout.rolled_back)', { field: 'endpoint' });
  if (!onEvents && input.monitor === undefined) throw new UsageError('name the monitor whose runs the rule reads, or the rollout events that fire it (on)', { field: 'monitor' }, 'e.g. --monitor churn-monitor --rule "drift_share > 0.3", or --on rollout.rolled_back.');
  const events = onEvents ? parseRolloutEvents(input.on) : null;
  const endpoint = onEvents && input.endpoint !== undefined ? checkName(input.endpoint, 'endpoint', 'endpoint') : undefined;
  const monitor = events ? ROLLOUT_EVENTS_MONITOR : checkName(input.monitor, 'monitor', 'monitor');
  const condition = events ? `on ${events.join(',')}${endpoint ? ` of endpoint ${endpoint}` : ''}` : parseAlertCondition(input.rule, 'rule').source;
  const severity = input.severity ?? 'warning';
  if (!(ALERT_SEVERITIES as readonly string[]).includes(severity)) throw new UsageError(`severity must be one of ${ALERT_SEVERITIES.join(', ')} (got ${JSON.stringify(String(severity).slice(0, 40))})`, { field: 'severity' });
  const channelTexts = input.channels ?? [];
  if (!Array.isArray(channelTexts) || channelTexts.length > MAX_CHANNELS) throw new UsageError(`channels must be a list of at most ${MAX_CHANNELS}`, { field: 'channels' });
  if (input.webhookSecret !== undefined && (typeof input.webhookSecret !== 'string' || input.webhookSecret.length < 16 || input.webhookSecret.length > 256)) {
    throw new UsageError('webhookSecret must be 16 to 256 characters', { field: 'webhookSecret' });
  }
  const channels = channelTexts.map((c, i) => parseChannelSpec(c, input.webhookSecret, `channels[${i}]`));
  const answer = input.defaultAnswer;
  if (answer !== undefined && !(typeof answer === 'number' && Number.isFinite(answer)) && !(typeof answer === 'string' && answer.length <= 1000)) {
    throw new UsageError('defaultAnswer must be a finite number or a string of at most 1000 characters', { field: 'defaultAnswer' });
  }
  const actionTexts = input.actions ?? [];
  if (!Array.isArray(actionTexts) || actionTexts.length > 3) throw new UsageError('actions must be a list of at most 3 (retrain, rollback, circuit-breaker)', { field: 'actions' });
  const actions = actionTexts.map((a, i) => parseActionSpec(a, answer, `actions[${i}]`));
  // A rollout already rolls itself back; an event has no endpoint state to act on that its rollout did not.
  if (events && actions.length > 0) throw new UsageError('rollout-event rules notify only: actions belong to monitor rules', { field: 'actions' });
  if (new Set(actions.map((a) => a.kind)).size !== actions.length) throw new UsageError('each action may be named once', { field: 'actions' });
  if (actions.some((a) => a.kind === 'rollback') && actions.some((a) => a.kind === 'circuit-breaker')) {
    throw new UsageError('rollback and circuit-breaker both change the endpoint: pick one', { field: 'actions' });
  }
  if (answer !== undefined && !actions.some((a) => a.kind === 'circuit-breaker')) throw new UsageError('defaultAnswer is the circuit breaker\'s: add the circuit-breaker action', { field: 'defaultAnswer' });
  // Each rollout is its own incident: event rules default to no cooldown (repeats of one rollout are de-duplicated anyway).
  const cooldownSeconds = events && input.cooldown === undefined ? 0 : parseCooldown(input.cooldown);
  return { name, monitor, condition, severity: severity as AlertSeverity, channels, actions, cooldownSeconds, ...(events ? { events } : {}), ...(endpoint !== undefined ? { endpoint } : {}) };
}
