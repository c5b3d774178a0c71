/**
 * Runs a rule's actions when its alert fires, one after another, in the order configured. Each outcome
 * (success, refusal or error) becomes an `action` event of the alert and an `alert.action` entry of the
 * security audit log; the services an action calls audit their own changes too (`endpoint.update`,
 * `job.submit`, `model.register`, `model.alias.set`) as `alert:<rule>`. Work that ends later (a retraining
 * job) is recorded again when it ends; `pending` holds it so a caller can wait (`AlertService.idle`).
 */
import { asKilnError } from '../../core/errors.js';
import type { AlertActionSpec, AlertRecord, AlertRuleRecord } from '../../store/alert-repository.js';
import type { AlertAction, AlertActionOutcome, AlertActionServices } from './alert-action.js';
import { actionPrincipal } from './alert-action.js';
import { circuitBreakerAction } from './circuit-breaker-action.js';
import type { RetrainWaitOptions } from './retrain-action.js';
import { retrainAction } from './retrain-action.js';
import { rollbackAction } from './rollback-action.js';

/** What an action run reports back to the monitor run. */
export interface ActionRunSummary {
  readonly action: AlertActionSpec['kind'];
  readonly ok: boolean;
  readonly summary: string;
}

/** Options of the action runner. */
export interface ActionRunOptions {
  readonly services: AlertActionServices;
  /** Work still running after the alert's actions returned (the caller awaits it on `idle`). */
  readonly pending: Set<Promise<unknown>>;
  readonly retrainWait?: RetrainWaitOptions;
}

function registry(opts: ActionRunOptions): Record<AlertActionSpec['kind'], AlertAction> {
  return {
    retrain: (spec, ctx) => retrainAction(spec, ctx, opts.retrainWait),
    rollback: rollbackAction,
    'circuit-breaker': circuitBreakerAction,
  };
}

/** Run every action of `rule` for `alert`; never throws. */
export async function runAlertActions(project: string, rule: AlertRuleRecord, alert: AlertRecord, opts: ActionRunOptions): Promise<ActionRunSummary[]> {
  const actions = registry(opts);
  const actor = actionPrincipal(rule.name);
  const repo = opts.services.metadata.inProject(project).alerts;
  const record = async (spec: AlertActionSpec, outcome: AlertActionOutcome, phase: 'started' | 'finished'): Promise<void> => {
    const detail = { action: spec.kind, phase, ok: outcome.ok, summary: outcome.summary, ...outcome.detail };
    await repo.appendEvent(alert.id, 'action', detail, new Date().toISOString());
    await opts.services.security.audit({ actor: actor.actor, action: 'alert.action', resourceType: 'alerts', resourceId: alert.id, project, before: null, after: { rule: rule.name, ...detail } });
  };
  const out: ActionRunSummary[] = [];
  for (const spec of rule.actions) {
    let outcome: AlertActionOutcome;
    try {
      outcome = await actions[spec.kind](spec, { project, alert, rule, actor, services: opts.services });
    } catch (err) {
      const e = asKilnError(err);
      outcome = { ok: false, summary: `${spec.kind} failed: ${e.message}`, detail: { error: { code: e.code, message: e.message } } };
    }
    await record(spec, outcome, outcome.later ? 'started' : 'finished');
    out.push({ action: spec.kind, ok: outcome.ok, summary: outcome.summary });
    if (outcome.later) {
      const follow = outcome.later
        .catch((err: unknown): AlertActionOutcome | null => {
          // Shutting down stops the wait, not the work (the job runs on): record nothing rather than a failure.
          if (opts.retrainWait?.signal?.aborted) return null;
          const e = asKilnError(err);
          return { ok: false, summary: `${spec.kind} failed: ${e.message}`, detail: { error: { code: e.code, message: e.message } } };
        })
        .then((done) => (done === null ? undefined : record(spec, done, 'finished')))
        .catch(() => undefined)
        .finally(() => opts.pending.delete(follow));
      opts.pending.add(follow);
    }
  }
  return out;
}
