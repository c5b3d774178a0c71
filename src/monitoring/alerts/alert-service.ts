/**
 * `AlertService` (`kiln.alerts`): alert rules over monitor results, the alerts they raise, their history
 * and acknowledgement — the one implementation behind `kiln alerts ...` and `/v1/alerts`. It hears about
 * monitor runs through `onMonitorRun(run)` (a `MonitorRunListener` for the monitor service; `evaluateRun`
 * is the same with the per-rule report), judges every rule of that monitor (`alert-evaluation.ts`), and
 * then: opens an alert and notifies its channels and runs its actions; counts a repeat of an open alert without notifying again
 * (de-duplication); resolves an open alert whose condition cleared (and says so on the channels); or, within
 * the rule's cooldown after the last alert fired, records the breach on that alert without a new one.
 * Rules may instead read rollout events (`onRolloutEvent`, `rollout-event-alerts.ts`).
 * A service acts in one project (`inProject(p)`); `onMonitorRun` acts in the run's project.
 * Webhook secrets are sealed before they are stored (plain, with a warning, when no master key is configured);
 * `secretsStatus` and `rotateSecrets` (behind `kiln keys status|rotate`) span every project.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Principal } from '../../security/permissions.js';
import { authorize } from '../../security/permissions.js';
import type { AuditContext } from '../../security/security-service.js';
import { localPrincipal } from '../../security/security-service.js';
import type { AlertEventRecord, AlertFilter, AlertRecord, AlertRuleRecord } from '../../store/alert-repository.js';
import { ROLLOUT_EVENTS_MONITOR } from '../../store/alert-repository.js';
import type { RolloutEvent, RolloutListener } from '../../serving/rollout/rollout-events.js';
import type { Page, PageRequest } from '../../store/page.js';
import type { AlertActionServices } from '../actions/alert-action.js';
import type { ActionRunSummary } from '../actions/run-alert-actions.js';
import { runAlertActions } from '../actions/run-alert-actions.js';
import type { RetrainWaitOptions } from '../actions/retrain-action.js';
import type { MonitorRunHistory, MonitorRunListener, MonitorRunSummary } from '../monitor-run.js';
import { conditionMatches, parseAlertCondition } from './alert-condition.js';
import type { RuleVerdict } from './alert-evaluation.js';
import { evaluateCondition } from './alert-evaluation.js';
import type { ChannelDeliverySummary } from './alert-notifier.js';
import { notifyChannels } from './alert-notifier.js';
import type { CreateAlertRuleInput } from './alert-rule-input.js';
import { checkAlertRuleInput } from './alert-rule-input.js';
import type { ChannelSecretRotation, ChannelSecretStatus } from './channel-secret-rotation.js';
import { channelSecretStatus, rotateChannelSecrets } from './channel-secret-rotation.js';
import type { ChannelContext, PublicChannel } from './channels/alert-channels.js';
import { checkChannel, publicChannel, sealChannelSecret } from './channels/alert-channels.js';
import { RecentRunsBuffer } from './recent-runs-buffer.js';
import type { RolloutEventRuleReport } from './rollout-event-alerts.js';
import { judgeRolloutEvent, ruleMatchesEvent } from './rollout-event-alerts.js';

/** Who asks, from where. */
export interface AlertCallContext {
  readonly actor?: Principal;
  readonly audit?: AuditContext;
}

/** Options of the service. */
export interface AlertServiceOptions {
  readonly channels: ChannelContext;
  readonly retrainWait?: RetrainWaitOptions;
  readonly now?: () => Date;
}

/** A rule as lists and `show` return it: webhook secrets hidden. */
export type PublicAlertRule = Omit<AlertRuleRecord, 'channels'> & { channels: PublicChannel[] };

/**
 * What `createRule` returns: the rule with each webhook's plain signing secret (this answer is the only one
 * that shows it) and how it is stored, plus warnings (a secret stored as plain text: no master key).
 */
export type CreatedAlertRule = PublicAlertRule & { warnings: string[] };

/** What one monitor run did to one rule. */
export interface RuleRunReport {
  readonly rule: string;
  readonly state: RuleVerdict['state'] | 'error';
  readonly reason: string;
  readonly change: 'fired' | 'repeated' | 'resolved' | 'suppressed' | 'none';
  readonly alert: string | null;
  readonly deliveries: readonly ChannelDeliverySummary[];
  readonly actions: readonly ActionRunSummary[];
}

/** State shared by a service and its project views. */
class AlertRuntime {
  history: ((project: string) => MonitorRunHistory) | null = null;
  readonly recent = new RecentRunsBuffer();
  readonly pending = new Set<Promise<unknown>>();
  /** Rollout-event alerts being judged and delivered (bounded by the channels' retry policy). */
  readonly events = new Set<Promise<unknown>>();
  eventChain: Promise<void> = Promise.resolve();
  readonly abort = new AbortController();
}

/** Alert rules, alerts and their history. */
export class AlertService {
  constructor(
    private readonly services: AlertActionServices,
    private readonly options: AlertServiceOptions,
    private readonly project = 'default',
    private readonly runtime = new AlertRuntime(),
  ) {}

  /** The same service acting in `project`. */
  inProject(project: string): AlertService {
    return project === this.project ? this : new AlertService(this.services, this.options, project, this.runtime);
  }

  /**
   * Where `for N runs` rules read earlier runs: the monitor service's history (per project). Until one is
   * connected, the runs this process has seen through `onMonitorRun` are used.
   */
  useHistory(history: MonitorRunHistory | ((project: string) => MonitorRunHistory)): void {
    this.runtime.history = typeof history === 'function' ? history : () => history;
  }

  /** Create a rule; the returned copy is the only one that shows a (generated) webhook secret. */
  async createRule(input: CreateAlertRuleInput, ctx: AlertCallContext = {}): Promise<CreatedAlertRule> {
    const actor = ctx.actor ?? localPrincipal();
    const checked = checkAlertRuleInput(input);
    // An action changes endpoints or models: whoever configures it must be allowed to do that themselves.
    for (const a of checked.actions) {
      if (a.kind === 'retrain') {
        authorize(actor, 'models:write', { project: this.project });
        authorize(actor, 'jobs:write', { project: this.project });
      } else authorize(actor, 'endpoints:write', { project: this.project });
    }
    for (const [i, c] of checked.channels.entries()) await checkChannel(c, this.options.channels, `channels[${i}]`);
    const { secrets } = this.options.channels;
    const rule: AlertRuleRecord = { project: this.project, ...checked, channels: checked.channels.map((c) => sealChannelSecret(c, secrets)), createdAt: this.now().toISOString(), createdBy: actor.actor };
    const stored = await this.repo().createRule(rule);
    await this.audit(actor, 'alert-rule.create', 'alert-rules', rule.name, null, publicRule(stored), ctx.audit);
    const shown = publicRule(stored);
    const channels = shown.channels.map((c, i) => {
      const plain = checked.channels[i];
      return plain.kind === 'webhook' ? { ...c, secret: plain.secret as string } : c;
    });
    const plainSecrets = shown.channels.filter((c) => c.secretStorage === 'plaintext').length;
    const warnings =
      plainSecrets > 0
        ? [`the webhook signing secret${plainSecrets > 1 ? 's' : ''} of alert rule "${rule.name}" ${plainSecrets > 1 ? 'are' : 'is'} stored as plain text in the metadata database: no master key is configured (KILN_MASTER_KEY is not set). Set KILN_MASTER_KEY (or KILN_MASTER_KEY_FILE) and run \`kiln keys rotate --encrypt-plain\` to encrypt ${plainSecrets > 1 ? 'them' : 'it'} (docs/security.md).`]
        : [];
    return { ...shown, channels, warnings };
  }

  /** How the webhook secrets of every project's rules are stored, per master key (`kiln keys status`). */
  secretsStatus(): Promise<ChannelSecretStatus> {
    return channelSecretStatus(this.services.metadata, this.options.channels.secrets);
  }

  /**
   * Re-wraps every project's sealed webhook secrets under the active master key (and with `encryptPlain` seals
   * plain ones); failures are listed per channel, running it again resumes. Audited as `keys.rotate`.
   */
  async rotateSecrets(options: { encryptPlain?: boolean } = {}, ctx: AlertCallContext = {}): Promise<ChannelSecretRotation> {
    const report = await rotateChannelSecrets(this.services.metadata, this.options.channels.secrets, options);
    const { failed, ...counts } = report;
    await this.services.security.audit({ actor: (ctx.actor ?? localPrincipal()).actor, action: 'keys.rotate', resourceType: 'alert-channel-secrets', resourceId: 'alert-rules', project: 'default', before: null, after: { ...counts, failed: failed.length } }, ctx.audit);
    return report;
  }

  /** Rules of the project by name (secrets hidden). */
  async listRules(page: PageRequest = {}): Promise<Page<PublicAlertRule>> {
    const p = await this.repo().listRules(page);
    return { items: p.items.map(publicRule), next: p.next };
  }

  /** One rule (secrets hidden); NotFoundError when absent. */
  async getRule(name: string): Promise<PublicAlertRule> {
    return publicRule(await this.ruleOrThrow(name));
  }

  /** Delete a rule; its alerts stay as history (an open one is resolved: nothing would ever resolve it). */
  async deleteRule(name: string, ctx: AlertCallContext = {}): Promise<{ deleted: string }> {
    const rule = await this.ruleOrThrow(name);
    if (!(await this.repo().deleteRule(name))) throw notFoundRule(name, this.project);
    const open = await this.repo().openAlertOf(name);
    if (open) {
      const at = this.now().toISOString();
      await this.repo().updateAlert({ ...open, status: 'resolved', resolvedAt: at });
      await this.repo().appendEvent(open.id, 'resolved', { reason: `rule ${name} was deleted by ${(ctx.actor ?? localPrincipal()).actor}` }, at);
    }
    await this.audit(ctx.actor ?? localPrincipal(), 'alert-rule.delete', 'alert-rules', name, publicRule(rule), null, ctx.audit);
    return { deleted: name };
  }

  /** Alerts newest first (`status: 'open'` for the open ones). */
  listAlerts(filter: AlertFilter = {}, page: PageRequest = {}): Promise<Page<AlertRecord>> {
    return this.repo().listAlerts(filter, page);
  }

  /** One alert with its history (deliveries, actions, acknowledgement, resolution). */
  async showAlert(id: string): Promise<{ alert: AlertRecord; events: AlertEventRecord[] }> {
    const alert = await this.alertOrThrow(id);
    return { alert, events: await this.repo().events(id) };
  }

  /** Acknowledge an alert (who, when); a second acknowledgement is a ConflictError. */
  async acknowledge(id: string, ctx: AlertCallContext & { note?: string } = {}): Promise<AlertRecord> {
    const actor = ctx.actor ?? localPrincipal();
    const alert = await this.alertOrThrow(id);
    if (alert.acknowledgedBy !== null) throw new ConflictError(`alert ${id} was already acknowledged by ${alert.acknowledgedBy} at ${alert.acknowledgedAt ?? '?'}`, { field: 'id', acknowledgedBy: alert.acknowledgedBy });
    const at = this.now().toISOString();
    const updated = await this.repo().updateAlert({ ...alert, acknowledgedBy: actor.actor, acknowledgedAt: at });
    await this.repo().appendEvent(id, 'acknowledged', { by: actor.actor, ...(ctx.note ? { note: ctx.note.slice(0, 1000) } : {}) }, at);
    await this.audit(actor, 'alert.acknowledge', 'alerts', id, alert, updated, ctx.audit);
    return updated;
  }

  /**
   * The `MonitorRunListener` the monitor service calls after every run: `evaluateRun`, report dropped.
   * Bound, so it can be handed over as is (`monitors.addListener(kiln.alerts.onMonitorRun)`).
   */
  readonly onMonitorRun: MonitorRunListener = async (run) => {
    await this.evaluateRun(run);
  };

  /**
   * Judge every rule of the run's monitor (in the run's project) and act. Never throws for one rule's
   * failure: each rule's outcome is in the report.
   */
  async evaluateRun(run: MonitorRunSummary): Promise<RuleRunReport[]> {
    const view = this.inProject(run.project);
    const rules = await view.repo().rulesOfMonitor(run.monitor);
    if (this.runtime.history === null) {
      // No run history connected: keep what `for N runs` rules of this monitor need, and only that.
      const conditions = rules.map((r) => parseAlertCondition(r.condition)).filter((c) => c.runs > 1);
      if (conditions.length > 0) this.runtime.recent.add({ ...run, points: run.points.filter((p) => conditions.some((c) => conditionMatches(c, p))) });
    }
    const reports: RuleRunReport[] = [];
    for (const rule of rules) {
      try {
        reports.push(await view.judge(rule, run));
      } catch (err) {
        reports.push({ rule: rule.name, state: 'error', reason: err instanceof Error ? err.message : String(err), change: 'none', alert: null, deliveries: [], actions: [] });
      }
    }
    return reports;
  }

  /**
   * The `RolloutListener` `openKiln` hands to `kiln.rollouts.onEvent`: judges the event against the
   * rollout-event rules of its project in the background, one event after another (a rollout never waits
   * for a channel); failures go to stderr. `settleEvents()` waits for what is in flight.
   */
  readonly onRolloutEvent: RolloutListener = (event) => {
    // One at a time, in order: a breach's alert exists before its rollback is judged (de-duplication).
    const work = this.runtime.eventChain
      .then(() => this.evaluateRolloutEvent(event))
      .then(
        () => undefined,
        (err: unknown) => void process.stderr.write(`kiln alerts: rollout event ${event.type} of ${event.endpoint} was not judged: ${err instanceof Error ? err.message : String(err)}\n`),
      );
    this.runtime.eventChain = work;
    this.runtime.events.add(work);
    void work.finally(() => this.runtime.events.delete(work));
  };

  /** Judge a rollout event against every rule of its project that listens to it (fire, repeat, suppress). */
  async evaluateRolloutEvent(event: RolloutEvent): Promise<RolloutEventRuleReport[]> {
    const view = this.inProject(event.project);
    const rules = (await view.repo().rulesOfMonitor(ROLLOUT_EVENTS_MONITOR)).filter((r) => ruleMatchesEvent(r, event));
    const reports: RolloutEventRuleReport[] = [];
    for (const rule of rules) reports.push(await judgeRolloutEvent(event.project, view.repo(), rule, event, this.now().toISOString(), this.options.channels));
    return reports;
  }

  /** Resolves when every rollout event heard so far is judged and delivered. */
  async settleEvents(): Promise<void> {
    while (this.runtime.events.size > 0) await Promise.all([...this.runtime.events]);
  }

  /** Resolves when background work (retraining jobs and their registration) has ended. */
  async idle(): Promise<void> {
    while (this.runtime.pending.size > 0) await Promise.all([...this.runtime.pending]);
  }

  /** Stop waiting for background work (`kiln.close()`); what was recorded stays. */
  close(): void {
    this.runtime.abort.abort();
  }

  private async judge(rule: AlertRuleRecord, run: MonitorRunSummary): Promise<RuleRunReport> {
    const condition = parseAlertCondition(rule.condition);
    const history = condition.runs > 1 ? await this.historyOf(run.monitor, condition.runs) : [];
    const verdict = evaluateCondition(condition, run, history);
    const base = { rule: rule.name, state: verdict.state, reason: verdict.reason, deliveries: [], actions: [] };
    const repo = this.repo();
    const open = await repo.openAlertOf(rule.name);
    const at = this.now().toISOString();
    if (open) {
      if ((verdict.state === 'breach' || verdict.state === 'pending') && verdict.value !== null) {
        await repo.updateAlert({ ...open, lastValue: verdict.value, lastSeenAt: at, occurrences: open.occurrences + 1 });
        await repo.appendEvent(open.id, 'repeated', { runId: run.runId, value: verdict.value, reason: verdict.reason }, at);
        return { ...base, change: 'repeated', alert: open.id };
      }
      if (verdict.state === 'clear') {
        const resolved = await repo.updateAlert({ ...open, status: 'resolved', resolvedAt: at, lastValue: verdict.value ?? open.lastValue, lastSeenAt: at });
        await repo.appendEvent(open.id, 'resolved', { runId: run.runId, value: verdict.value, reason: verdict.reason }, at);
        const deliveries = await notifyChannels(repo, rule, resolved, 'resolved', verdict.reason, this.options.channels);
        return { ...base, change: 'resolved', alert: open.id, deliveries };
      }
      return { ...base, change: 'none', alert: open.id };
    }
    if (verdict.state !== 'breach' || verdict.value === null) return { ...base, change: 'none', alert: null };
    const latest = await repo.latestAlertOf(rule.name);
    if (latest && Date.parse(latest.firedAt) + rule.cooldownSeconds * 1000 > Date.parse(at)) {
      const until = new Date(Date.parse(latest.firedAt) + rule.cooldownSeconds * 1000).toISOString();
      await repo.appendEvent(latest.id, 'suppressed', { runId: run.runId, value: verdict.value, reason: verdict.reason, cooldownUntil: until }, at);
      return { ...base, change: 'suppressed', alert: latest.id };
    }
    const alert: AlertRecord = {
      project: this.project,
      id: randomUUID(),
      rule: rule.name,
      monitor: run.monitor,
      endpoint: run.endpoint,
      severity: rule.severity,
      condition: rule.condition,
      status: 'open',
      value: verdict.value,
      runId: run.runId,
      firedAt: at,
      lastValue: verdict.value,
      lastSeenAt: at,
      occurrences: 1,
      resolvedAt: null,
      acknowledgedBy: null,
      acknowledgedAt: null,
    };
    try {
      await repo.createAlert(alert);
    } catch (err) {
      // Another process opened it first for the same run: that one notifies and acts.
      if (err instanceof ConflictError) return { ...base, change: 'none', alert: (await repo.openAlertOf(rule.name))?.id ?? null };
      throw err;
    }
    await repo.appendEvent(alert.id, 'fired', { runId: run.runId, value: verdict.value, reason: verdict.reason, windowStart: run.windowStart, windowEnd: run.windowEnd }, at);
    const [deliveries, actions] = await Promise.all([
      notifyChannels(repo, rule, alert, 'fired', verdict.reason, this.options.channels),
      runAlertActions(this.project, rule, alert, { services: this.services, pending: this.runtime.pending, retrainWait: { signal: this.runtime.abort.signal, ...this.options.retrainWait } }),
    ]);
    return { ...base, change: 'fired', alert: alert.id, deliveries, actions };
  }

  private async historyOf(monitor: string, limit: number): Promise<readonly MonitorRunSummary[]> {
    const history = this.runtime.history?.(this.project);
    if (history) return history.recentRuns(monitor, limit);
    return this.runtime.recent.recentRuns(this.project, monitor, limit);
  }

  private repo(): AlertActionServices['metadata']['alerts'] {
    return this.services.metadata.inProject(this.project).alerts;
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  private async ruleOrThrow(name: string): Promise<AlertRuleRecord> {
    const rule = typeof name === 'string' && name.length <= 200 ? await this.repo().getRule(name) : null;
    if (!rule) throw notFoundRule(name, this.project);
    return rule;
  }

  private async alertOrThrow(id: string): Promise<AlertRecord> {
    const alert = typeof id === 'string' && id.length <= 200 ? await this.repo().getAlert(id) : null;
    if (!alert) throw new NotFoundError(`alert ${String(id).slice(0, 100)} not found in project "${this.project}"`, { field: 'id', id: String(id).slice(0, 100) }, 'List alerts with `kiln alerts list`.');
    return alert;
  }

  private async audit(actor: Principal, action: string, resourceType: string, resourceId: string, before: unknown, after: unknown, ctx?: AuditContext): Promise<void> {
    await this.services.security.audit({ actor: actor.actor, action, resourceType, resourceId, project: this.project, before, after }, ctx);
  }
}

function publicRule(rule: AlertRuleRecord): PublicAlertRule {
  return { ...rule, channels: rule.channels.map(publicChannel) };
}

function notFoundRule(name: string, project: string): NotFoundError {
  return new NotFoundError(`alert rule ${JSON.stringify(String(name).slice(0, 100))} not found in project "${project}"`, { field: 'name', name: String(name).slice(0, 100) }, 'List rules with `kiln alerts rules list`.');
}
