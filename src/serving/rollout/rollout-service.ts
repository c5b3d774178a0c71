/**
 * `RolloutService` (`kiln.rollouts`): moves an endpoint to a new model version safely — the one
 * implementation behind `kiln rollout ...` and `/v1/endpoints/{name}/rollout...`. `start` checks the
 * request, the model (it must exist and pass its registry gates unless overridden with a reason, audited)
 * and the endpoint (one rollout at a time), then records the rollout and sets the first step's weights in
 * one transaction. `advance` is one tick of the state machine, run by whichever serving process holds the
 * rollout's lease (`rollout-controller.ts`): a guard breach rolls back; a step whose bake passed moves to
 * the next step or promotes. People can `promote`, `rollback` or `abort` at any time. Every change is
 * audited (resource type `endpoints`, the endpoint as id) and emitted to listeners.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, UsageError } from '../../core/errors.js';
import type { RegistryService } from '../../registry/registry-service.js';
import type { Principal } from '../../security/permissions.js';
import { authorize } from '../../security/permissions.js';
import type { AuditContext, SecurityService } from '../../security/security-service.js';
import { localPrincipal } from '../../security/security-service.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { RolloutRecord, RolloutSpec, RolloutStatus } from '../../store/rollout-repository.js';
import type { ModelSource } from '../model-source.js';
import { referenceKind } from '../model-source.js';
import { parseGuards } from './guard-expression.js';
import { RolloutEventBus } from './rollout-events.js';
import type { RolloutEventType, RolloutListener } from './rollout-events.js';
import { evaluateRollout } from './rollout-evaluation.js';
import type { RolloutEvaluation } from './rollout-evaluation.js';
import { checkStrategy, initialPercent, planRollout, variantsAt } from './rollout-plan.js';
import { lookAtExperiment } from './rollout-experiment.js';
import type { StartRolloutInput } from './rollout-plan.js';
import { finalVariants, transition, withEvent } from './rollout-transitions.js';
import { buildRolloutReport } from './rollout-report.js';
import { TrainingBaselines } from './training-baseline.js';
import type { RolloutReport } from './rollout-report.js';
import { rolloutView } from './rollout-view.js';
import type { RolloutView } from './rollout-view.js';

/** Who asks, from where. */
export interface RolloutCallContext {
  readonly project?: string;
  readonly actor?: Principal;
  readonly audit?: AuditContext;
  /** Bundle file references (command line only). */
  readonly allowFiles?: boolean;
}

/** Rollouts over the metadata store. */
export class RolloutService {
  private readonly bus: RolloutEventBus;
  private readonly training: TrainingBaselines;
  private readonly trainingOf = (r: RolloutRecord) => this.training.of(r);

  constructor(
    private readonly metadata: MetadataStore,
    private readonly security: SecurityService,
    private readonly models: ModelSource,
    private readonly registry: RegistryService | null,
    private readonly now: () => Date = () => new Date(),
    bus?: RolloutEventBus,
  ) {
    this.training = new TrainingBaselines(models);
    this.bus = bus ?? new RolloutEventBus((err) => process.stderr.write(`kiln rollouts: a listener failed: ${err instanceof Error ? err.message : String(err)}\n`));
  }

  /** Hear rollout events (alerting routes them); returns the removal. */
  onEvent(listener: RolloutListener): () => void {
    return this.bus.on(listener);
  }

  /** Start a rollout on `endpoint`. */
  async start(endpoint: string, input: StartRolloutInput, ctx: RolloutCallContext = {}): Promise<RolloutView> {
    const project = ctx.project ?? 'default';
    const actor = ctx.actor ?? localPrincipal();
    const strategy = checkStrategy(input.strategy);
    // Malformed guards are the caller's mistake whatever the endpoint's state: report them first.
    parseGuards(input.guards ?? []);
    const current = await this.metadata.inProject(project).endpoints.get(endpoint);
    if (!current) throw new NotFoundError(`endpoint "${endpoint.slice(0, 100)}" not found in project "${project}"`, { field: 'endpoint' }, 'List endpoints with `kiln endpoints list`.');
    const running = await this.metadata.inProject(project).rollouts.active(endpoint);
    if (running) throw new ConflictError(`a rollout is already running on endpoint "${endpoint}" (${running.id}, ${running.strategy})`, { field: 'endpoint', running: running.id }, `Finish it first: kiln rollout promote|rollback|abort ${endpoint}.`);
    const planned = planRollout(input, current.variants);
    if (!ctx.allowFiles && referenceKind(planned.to) === 'file') throw new UsageError(`bundle files cannot be named over HTTP (${planned.to.slice(0, 100)})`, { field: 'to' }, 'Register the model and roll out NAME@VERSION.');
    if (planned.promoteAlias !== null && referenceKind(planned.to) !== 'registry') throw new UsageError('--promote-alias needs a registered model (NAME@VERSION)', { field: 'promoteAlias' });
    await this.models.resolve(planned.to, project);
    const spec: RolloutSpec = { ...planned, override: await this.checkGates(planned.to, endpoint, project, actor, input, ctx.audit) };
    const now = this.now();
    const id = `ro-${randomUUID()}`;
    const state = { stepIndex: 0, stepStartedAt: now.getTime(), breach: null, events: [{ at: now.toISOString(), kind: 'started', message: `${strategy} to ${spec.to} by ${actor.actor}`, details: { steps: spec.steps } }] };
    const created = await this.metadata.inProject(project).transaction(async (tx) => {
      const r = await tx.rollouts.create({ id, endpoint, strategy, spec, state, actor: actor.actor, createdAt: now.toISOString() });
      await tx.endpoints.update(endpoint, { variants: variantsAt(spec, initialPercent(spec, strategy)), settings: current.settings, updatedAt: now.toISOString(), expectedRevision: current.revision });
      return r;
    });
    await this.audit('rollout.start', created, actor.actor, { endpoint: current.variants }, { rollout: created.id, strategy, to: spec.to, steps: spec.steps, guards: spec.guards }, ctx.audit);
    this.emit('rollout.started', created, `rollout ${created.id} started: ${strategy} to ${spec.to}`, { steps: spec.steps });
    return rolloutView(created, null, now.getTime());
  }

  /** The running rollout of an endpoint (else its latest) with a live guard evaluation. */
  async status(endpoint: string, project = 'default'): Promise<RolloutView> {
    const r = await this.current(endpoint, project);
    const now = this.now().getTime();
    const metadata = this.metadata.inProject(project);
    const evaluation = r.status === 'running' ? await evaluateRollout(metadata, r, now, this.trainingOf) : null;
    const view = rolloutView(r, evaluation, now);
    if (r.strategy !== 'ab' && r.strategy !== 'bandit') return view;
    const look = await lookAtExperiment(metadata, r, now);
    return { ...view, ab: { analysis: look.analysis, note: look.note, outcomes: look.outcomesSource } };
  }

  /** Per-variant time series of the running (else latest) rollout: traffic, errors, latency, outcomes. */
  async report(endpoint: string, project = 'default'): Promise<RolloutReport> {
    const view = await this.status(endpoint, project);
    const r = await this.current(endpoint, project);
    return buildRolloutReport(this.metadata.inProject(project), r, view, this.now().getTime());
  }

  /** Rollouts of an endpoint, newest first. */
  async history(endpoint: string, project = 'default', limit = 20): Promise<RolloutRecord[]> {
    return this.metadata.inProject(project).rollouts.history(endpoint, limit);
  }

  /** Promote now: the new version takes the stable variant's place (and the alias moves when configured). */
  async promote(endpoint: string, ctx: RolloutCallContext = {}): Promise<RolloutView> {
    const r = await this.running(endpoint, ctx.project ?? 'default');
    return this.viewOf(await this.finish(r, 'promoted', `promoted by ${(ctx.actor ?? localPrincipal()).actor}`, ctx.actor?.actor ?? localPrincipal().actor, null, ctx.audit));
  }

  /** Roll back now: the endpoint gets its variants from before the rollout. */
  async rollback(endpoint: string, ctx: RolloutCallContext = {}): Promise<RolloutView> {
    const r = await this.running(endpoint, ctx.project ?? 'default');
    return this.viewOf(await this.finish(r, 'rolled_back', `rolled back by ${(ctx.actor ?? localPrincipal()).actor}`, ctx.actor?.actor ?? localPrincipal().actor, null, ctx.audit));
  }

  /** Stop the rollout without judging the candidate (same traffic as a rollback). */
  async abort(endpoint: string, ctx: RolloutCallContext = {}): Promise<RolloutView> {
    const r = await this.running(endpoint, ctx.project ?? 'default');
    return this.viewOf(await this.finish(r, 'aborted', `aborted by ${(ctx.actor ?? localPrincipal()).actor}`, ctx.actor?.actor ?? localPrincipal().actor, null, ctx.audit));
  }

  /**
   * One tick of a running rollout at `now` (the caller holds its lease): a breach rolls back; a finished
   * bake moves to the next step or promotes (canary, linear, blue/green); shadow and A/B run until a person
   * ends them. Returns the record as it is afterwards.
   */
  async advance(r: RolloutRecord, actor: string): Promise<RolloutRecord> {
    if (r.status !== 'running') return r;
    const nowDate = this.now();
    const now = nowDate.getTime();
    const evaluation = await evaluateRollout(this.metadata.inProject(r.project), r, now, this.trainingOf);
    if (evaluation.breach) {
      const b = evaluation.breach;
      this.emit('rollout.breach', r, `guard "${b.guard}" broken on ${b.variant}: ${b.metric} = ${round(b.value)} over ${Math.round((b.windowEnd - b.windowStart) / 1000)}s (${b.requests} requests)`, { ...b });
      return this.finish(r, 'rolled_back', `automatic rollback: guard "${b.guard}" broken (${b.metric} = ${round(b.value)}, threshold ${b.op} ${b.threshold})`, actor, evaluation, undefined);
    }
    if (now - r.state.stepStartedAt < r.spec.bakeMs) return r;
    if (r.strategy === 'ab' || r.strategy === 'bandit') return this.look(r, actor, nowDate);
    const progressive = r.strategy === 'canary' || r.strategy === 'linear' || r.strategy === 'blue-green';
    if (!progressive) return r;
    const next = r.state.stepIndex + 1;
    if (next >= r.spec.steps.length) return this.finish(r, 'promoted', 'promoted: every step baked without a breach', actor, evaluation, undefined);
    const percent = r.spec.steps[next];
    const state = { ...r.state, stepIndex: next, stepStartedAt: now, events: withEvent(r.state, { at: nowDate.toISOString(), kind: 'step', message: `step ${next + 1}/${r.spec.steps.length}: ${percent}% to ${r.spec.candidateVariant}`, details: { readings: evaluation.readings, requests: evaluation.candidate.requests } }) };
    const updated = await transition(this.metadata.inProject(r.project), r, 'running', state, variantsAt(r.spec, percent), nowDate);
    await this.audit('rollout.step', updated, actor, { step: r.state.stepIndex, percent: r.spec.steps[r.state.stepIndex] }, { step: next, percent, readings: evaluation.readings }, undefined);
    this.emit('rollout.step', updated, `rollout ${r.id} at step ${next + 1}/${r.spec.steps.length}: ${percent}%`, { step: next, percent });
    return updated;
  }

  /**
   * An A/B or bandit look, once per bake: the sequential test's p-value is kept (it only decreases over
   * looks), and a bandit moves the candidate's share to its Thompson-sampling estimate of P(best).
   */
  private async look(r: RolloutRecord, actor: string, nowDate: Date): Promise<RolloutRecord> {
    const metadata = this.metadata.inProject(r.project);
    const look = await lookAtExperiment(metadata, r, nowDate.getTime());
    const comparison = look.analysis?.comparisons[0];
    const before = r.state.candidatePercent ?? initialPercent(r.spec, r.strategy);
    const percent = look.banditPercent ?? before;
    const verdict = comparison ? `${comparison.verdict} (${comparison.reason})` : (look.note ?? 'no analysis');
    const state = {
      ...r.state,
      stepIndex: r.state.stepIndex + 1,
      stepStartedAt: nowDate.getTime(),
      candidatePercent: percent,
      ab: comparison?.sequential ? { alwaysValidP: comparison.sequential.alwaysValidP, verdict: comparison.verdict, at: nowDate.toISOString() } : (r.state.ab ?? null),
      events: withEvent(r.state, { at: nowDate.toISOString(), kind: 'look', message: `look ${r.state.stepIndex + 1}: ${verdict}${percent !== before ? `; candidate share ${before}% -> ${percent}%` : ''}`, details: { requests: [look.baseline.requests, look.candidate.requests], candidatePercent: percent } }),
    };
    const updated = await transition(metadata, r, 'running', state, percent !== before ? variantsAt(r.spec, percent) : null, nowDate);
    if (percent !== before) await this.audit('rollout.reweight', updated, actor, { candidatePercent: before }, { candidatePercent: percent, verdict }, undefined);
    this.emit('rollout.look', updated, `rollout ${r.id} look ${r.state.stepIndex + 1}: ${verdict}`, { candidatePercent: percent, ...(comparison ? { verdict: comparison.verdict, alwaysValidP: comparison.sequential?.alwaysValidP ?? null } : {}) });
    return updated;
  }

  private async finish(r: RolloutRecord, status: RolloutStatus, message: string, actor: string, evaluation: RolloutEvaluation | null, audit: AuditContext | undefined): Promise<RolloutRecord> {
    const nowDate = this.now();
    const breach = status === 'rolled_back' && evaluation?.breach ? evaluation.breach : r.state.breach;
    const kind = status === 'promoted' ? 'promoted' : status === 'aborted' ? 'aborted' : 'rolled_back';
    const state = { ...r.state, breach, events: withEvent(r.state, { at: nowDate.toISOString(), kind, message, ...(evaluation ? { details: { readings: evaluation.readings } } : {}) }) };
    const updated = await transition(this.metadata.inProject(r.project), r, status, state, finalVariants(r, status), nowDate);
    await this.audit(`rollout.${kind === 'rolled_back' ? 'rollback' : kind === 'promoted' ? 'promote' : 'abort'}`, updated, actor, { variants: r.spec.originalVariants, step: r.state.stepIndex }, { status, message, ...(breach && status === 'rolled_back' ? { breach } : {}) }, audit);
    this.emit(`rollout.${kind}` as RolloutEventType, updated, message, breach && status === 'rolled_back' ? { breach } : {});
    if (status === 'promoted' && r.spec.promoteAlias && this.registry) await this.moveAlias(updated, actor);
    return updated;
  }

  private viewOf(r: RolloutRecord): RolloutView {
    return rolloutView(r, null, this.now().getTime());
  }

  /** Point the configured alias at the promoted version; a refusal is recorded, not thrown (the endpoint already moved). */
  private async moveAlias(r: RolloutRecord, actor: string): Promise<void> {
    const alias = r.spec.promoteAlias as string;
    try {
      await this.registry?.setAlias(r.spec.to, alias, { project: r.project, actor: { actor, kind: 'local', grants: [], superuser: true }, ...(r.spec.override ? { override: true, reason: r.spec.override.reason } : {}) });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await this.audit('rollout.alias_failed', r, actor, null, { alias, reason }, undefined);
      this.emit('rollout.alias_failed', r, `promoted, but alias ${alias} did not move: ${reason}`, { alias, reason });
    }
  }

  /** Registry references must pass their gates unless overridden with a reason (admin; audited). */
  private async checkGates(to: string, endpoint: string, project: string, actor: Principal, input: StartRolloutInput, audit: AuditContext | undefined): Promise<{ reason: string } | null> {
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    if (input.override && reason === '') throw new UsageError('--override needs --reason TEXT saying why the gate is waived', { field: 'reason' });
    if (referenceKind(to) !== 'registry' || !this.registry) return null;
    const version = await this.registry.resolveRecord(to, project);
    if (version.status === 'rejected') throw new ConflictError(`${version.name}@${version.version} was rejected; it cannot be rolled out`, { field: 'to', status: version.status });
    const report = await this.registry.gate(to, project);
    if (report.passed) return null;
    const failed = report.checks.filter((c) => !c.passed).map((c) => ({ gate: c.gate, name: c.name, message: c.message }));
    if (!input.override) {
      throw new ConflictError(
        `${version.name}@${version.version} fails ${failed.length} registry gate(s), so it cannot be rolled out: ${failed.map((c) => `${c.name} (${c.message})`).join('; ')}`,
        { field: 'to', failed },
        'Fix the model, or pass --override --reason TEXT (needs models:admin; audited).',
      );
    }
    authorize(actor, 'models:admin', { project, resourceName: version.name });
    await this.security.audit({ actor: actor.actor, action: 'rollout.gate.override', resourceType: 'endpoints', resourceId: endpoint, project, before: { gates: failed }, after: { to, reason } }, audit);
    return { reason };
  }

  private async current(endpoint: string, project: string): Promise<RolloutRecord> {
    const repo = this.metadata.inProject(project).rollouts;
    const r = (await repo.active(endpoint)) ?? (await repo.history(endpoint, 1))[0];
    if (!r) throw new NotFoundError(`endpoint "${endpoint.slice(0, 100)}" has no rollout in project "${project}"`, { field: 'endpoint' }, 'Start one with `kiln rollout start ENDPOINT --to MODEL@REF --strategy canary`.');
    return r;
  }

  private async running(endpoint: string, project: string): Promise<RolloutRecord> {
    const r = await this.metadata.inProject(project).rollouts.active(endpoint);
    if (!r) throw new ConflictError(`no rollout is running on endpoint "${endpoint.slice(0, 100)}" in project "${project}"`, { field: 'endpoint' }, 'See the last one with `kiln rollout status ENDPOINT`.');
    return r;
  }

  private async audit(action: string, r: RolloutRecord, actor: string, before: unknown, after: unknown, ctx: AuditContext | undefined): Promise<void> {
    await this.security.audit({ actor, action, resourceType: 'endpoints', resourceId: r.endpoint, project: r.project, before: before === null ? null : { rollout: r.id, ...(before as object) }, after: { rollout: r.id, ...(after as object) } }, ctx);
  }

  private emit(type: RolloutEventType, r: RolloutRecord, message: string, details: Record<string, unknown>): void {
    this.bus.emit({ type, project: r.project, endpoint: r.endpoint, rolloutId: r.id, strategy: r.strategy, at: this.now().toISOString(), message, details });
  }
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 10000) / 10000 : v;
}
