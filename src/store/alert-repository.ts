/**
 * The alert repository (`metadata.alerts`): alert rules over monitor results, the alerts they raised and
 * each alert's history (firings, repeats, deliveries, actions, acknowledgement, resolution), all in the
 * store's project. At most one alert per rule is open at a time — a unique partial index enforces it, so
 * two writers racing to open the same alert get a ConflictError instead of a duplicate. Held to its
 * semantics by `alert-repository.contract.ts` on SQLite and PostgreSQL.
 */
import type { Page, PageRequest } from './page.js';
import type { StoredSecret } from './stored-secret.js';

/** How loud an alert is. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** Severities in order. */
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/**
 * Where an alert is sent. `secret` signs webhook bodies (never returned after creation); it is stored sealed
 * when a master key is configured (`stored-secret.ts`), plain text otherwise and in rows from before.
 */
export type AlertChannelSpec = { kind: 'webhook'; url: string; secret: StoredSecret } | { kind: 'slack'; url: string } | { kind: 'email'; to: string };

/** An automated action run when the alert fires. */
export type AlertActionSpec =
  | { kind: 'retrain' }
  | { kind: 'rollback' }
  /** `variant`: the variant to stop routing to (default: the one with the most traffic); `defaultAnswer`: what to answer when no variant is left. */
  | { kind: 'circuit-breaker'; variant?: string; defaultAnswer?: string | number };

/**
 * The `monitor` of rules whose source is rollout events instead of a monitor's runs (`kiln alerts rules
 * create NAME --on rollout.rolled_back`); no monitor can be named so (names start with a letter or digit).
 */
export const ROLLOUT_EVENTS_MONITOR = '@rollouts';

/** An alert rule as stored. */
export interface AlertRuleRecord {
  project: string;
  name: string;
  /** The monitor whose runs the rule reads (`ROLLOUT_EVENTS_MONITOR` for a rule over rollout events). */
  monitor: string;
  /** Rollout-event rules: the event types that fire it (`rollout.rolled_back`, ...). */
  events?: string[];
  /** Rollout-event rules: only events of this endpoint (absent: every endpoint of the project). */
  endpoint?: string;
  /** The condition as written (`drift_share > 0.3 for 2 runs`). */
  condition: string;
  severity: AlertSeverity;
  channels: AlertChannelSpec[];
  actions: AlertActionSpec[];
  /** After an alert of this rule fires, a new one is not raised (nor notified) for this long. */
  cooldownSeconds: number;
  createdAt: string;
  createdBy: string;
}

/** Open until the condition clears. */
export type AlertStatus = 'open' | 'resolved';

/** One alert: a rule's condition held from `firedAt` until `resolvedAt`. */
export interface AlertRecord {
  project: string;
  id: string;
  rule: string;
  monitor: string;
  endpoint: string;
  severity: AlertSeverity;
  condition: string;
  status: AlertStatus;
  /** The value that crossed the threshold, and the run that produced it. */
  value: number;
  runId: string;
  firedAt: string;
  /** Latest run that still breached (de-duplicated: no new notification). */
  lastValue: number;
  lastSeenAt: string;
  /** Runs that breached while this alert was open (1 at firing). */
  occurrences: number;
  resolvedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  /** Alerts raised by a rollout event: which rollout, which event, and the guard breach when there was one. */
  rollout?: RolloutAlertFacts;
}

/** What a rollout-event alert records (`runId` is the rollout's id; `value` the breach's value, else 0). */
export interface RolloutAlertFacts {
  id: string;
  event: string;
  strategy: string;
  message: string;
  /** The guard that broke: guard, metric, variant, value, threshold, op, windowStart, windowEnd, requests, at. */
  breach: Record<string, unknown> | null;
}

/** What happened to an alert, in order. */
export type AlertEventKind = 'fired' | 'repeated' | 'suppressed' | 'delivery' | 'action' | 'acknowledged' | 'resolved';

/** One entry of an alert's history. */
export interface AlertEventRecord {
  alertId: string;
  /** 1, 2, ... per alert. */
  seq: number;
  at: string;
  kind: AlertEventKind;
  /** Kind-specific facts (delivery attempts, action outcome, values); JSON. */
  detail: Record<string, unknown>;
}

/** Filter of `listAlerts`. */
export interface AlertFilter {
  status?: AlertStatus;
  rule?: string;
}

/** Alert rules, alerts and alert history of one project. */
export interface AlertRepository {
  /** Creates a rule; a name already used in the project is a ConflictError. */
  createRule(rule: AlertRuleRecord): Promise<AlertRuleRecord>;
  getRule(name: string): Promise<AlertRuleRecord | null>;
  /** Rules by name, paged. */
  listRules(page?: PageRequest): Promise<Page<AlertRuleRecord>>;
  /** Every rule reading `monitor` (a handful: evaluated after each of its runs). */
  rulesOfMonitor(monitor: string): Promise<AlertRuleRecord[]>;
  /** Deletes a rule (its alerts stay as history); false when there was none. */
  deleteRule(name: string): Promise<boolean>;
  /** Replaces a rule's channels (re-sealed secrets); false when the rule is gone. */
  replaceRuleChannels(name: string, channels: AlertChannelSpec[]): Promise<boolean>;
  /**
   * Rules of every project, by (project, name), paged: the key rotation's scan. Like the gc reference scans,
   * the one read that spans projects.
   */
  rulesOfAllProjects(page?: PageRequest): Promise<Page<AlertRuleRecord>>;
  /** Opens an alert; ConflictError when the rule already has an open one. */
  createAlert(alert: AlertRecord): Promise<AlertRecord>;
  getAlert(id: string): Promise<AlertRecord | null>;
  /** The open alert of a rule, or null. */
  openAlertOf(rule: string): Promise<AlertRecord | null>;
  /** The newest alert of a rule (open or resolved), or null. */
  latestAlertOf(rule: string): Promise<AlertRecord | null>;
  /** Alerts newest first, paged. */
  listAlerts(filter?: AlertFilter, page?: PageRequest): Promise<Page<AlertRecord>>;
  /** Replaces the mutable fields of an alert; NotFoundError when absent. */
  updateAlert(alert: AlertRecord): Promise<AlertRecord>;
  /** Appends to an alert's history (seq assigned here). */
  appendEvent(alertId: string, kind: AlertEventKind, detail: Record<string, unknown>, at: string): Promise<AlertEventRecord>;
  /** An alert's history, oldest first (bounded by `limit`, default 1000). */
  events(alertId: string, limit?: number): Promise<AlertEventRecord[]>;
}
