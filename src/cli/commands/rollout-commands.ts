/**
 * `kiln rollout start|status|promote|rollback|abort|report|history`: rollouts of new model versions onto
 * endpoints, thin over `kiln.rollouts` (the same service as `/v1/endpoints/{name}/rollout...`). Bundle
 * files may be named here (made absolute). Rollouts advance inside the serving processes (`kiln serve`,
 * `kiln server`): this command records the plan and reads the state; it does not need to keep running.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { RolloutView } from '../../serving/rollout/rollout-view.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { cliProject } from '../cli-project.js';
import { withKiln } from '../with-kiln.js';

interface StartFlags {
  to: string;
  strategy: string;
  steps?: string;
  linearSteps?: string;
  bake?: string;
  window?: string;
  guard: string[];
  minRequests?: string;
  stickyKey?: string;
  weights?: string;
  shadowRate?: string;
  mde?: string;
  promoteAlias?: string;
  override?: boolean;
  reason?: string;
  json?: boolean;
}

function project(): string {
  return cliProject() ?? 'default';
}

/** A comma list of numbers; a usage error naming the flag otherwise. */
function numbers(text: string, flag: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  return parts.map((p) => {
    const n = Number(p);
    if (p === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be comma-separated numbers (got ${JSON.stringify(text.slice(0, 60))})`, { field: flag.slice(2) });
    return n;
  });
}

function integer(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d{1,7}$/.test(text.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a whole number`, { field: flag.slice(2) });
  return n;
}

function modelRef(ref: string): string {
  const path = ref.startsWith('file:') ? ref.slice(5) : ref;
  const isFile = ref.startsWith('file:') || ref.includes('/') || ref.endsWith('.json');
  return isFile && !isAbsolute(path) ? resolve(path) : ref;
}

function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '-';
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

/** Human text of a rollout view. */
export function describeRollout(v: RolloutView): string {
  const r = v.rollout;
  const lines = [`rollout ${r.id} on ${r.project}/${r.endpoint}: ${r.strategy} to ${r.to} (from ${r.baselineModel}) — ${r.status}`];
  if (r.status === 'running') lines.push(`  step ${v.step.index + 1}/${v.step.of}: ${v.step.percent}% to ${r.candidateVariant}; bake ends in ${Math.ceil(v.step.bakeRemainingMs / 1000)} s`);
  if (r.guards.length > 0) lines.push(`  guards: ${r.guards.join('; ')}`);
  if (v.breach) lines.push(`  breach: "${v.breach.guard}" on ${v.breach.variant}: ${v.breach.metric} = ${fmt(v.breach.value)} over ${Math.round((v.breach.windowEnd - v.breach.windowStart) / 1000)} s (${v.breach.requests} requests)`);
  if (v.live) {
    lines.push(renderTable(['variant', 'requests', 'errors', 'error rate', 'p50 ms', 'p99 ms', 'missing keys'], v.live.variants.map((s) => [s.shadow ? `${s.variant} (shadow)` : s.variant, s.requests, s.errors, fmt(s.errorRate), fmt(s.p50Ms), fmt(s.p99Ms), s.missingKeys])).trimEnd());
    for (const g of v.live.guards) lines.push(`  guard ${g.guard}: ${g.value === null ? `not judged yet (${g.note ?? 'too little data'})` : `${fmt(g.value)} ${g.holds ? 'holds' : 'BROKEN'}`}`);
  }
  const last = v.events.at(-1);
  if (last) lines.push(`  last event: ${last.at} ${last.kind}: ${last.message}`);
  return `${lines.join('\n')}\n`;
}

/** Register `kiln rollout`. */
export function registerRolloutCommands(program: Command, ctx: CliContext): void {
  const rollout = program.command('rollout').description('safe rollouts of a new model version onto an endpoint: blue/green, canary, linear, shadow, A/B, with guardrails and automatic rollback');
  rollout
    .command('start <endpoint>')
    .description('start a rollout (serving processes advance it; see docs/rollouts.md)')
    .requiredOption('--to <model>', 'the new model: NAME@VERSION, NAME@ALIAS, trained:ID or a bundle file')
    .requiredOption('--strategy <strategy>', 'blue-green | canary | linear | shadow | ab | bandit')
    .option('--steps <percents>', 'candidate share per step, e.g. 10,50,100 (canary, linear)')
    .option('--linear-steps <n>', 'linear: n equal steps (default 4)')
    .option('--bake <duration>', 'baking time per step: 5m, 90s, 1500ms (default 5m)')
    .option('--window <duration>', 'guard metric window (default: the bake)')
    .option('--guard <expr>', "guardrail, repeatable: METRIC OP NUMBER; metrics: error_rate, p50_ms, p95_ms, p99_ms, mean_ms, psi (vs the model's training predictions), psi_vs_stable (vs the stable variant's), accuracy, rmse; e.g. 'error_rate < 0.01', 'p99_ms < 50', 'psi < 0.2'", (v: string, acc: string[]) => [...acc, v], [])
    .option('--min-requests <n>', 'candidate requests in the window before a guard is judged (default 20)')
    .option('--sticky-key <key>', 'ab: request field (user_id) or header:NAME whose hash assigns the variant')
    .option('--weights <percents>', 'ab: baseline,candidate percent summing to 100 (default 50,50)')
    .option('--mde <difference>', 'ab/bandit: smallest outcome difference worth detecting, absolute (default 10% of the control metric)')
    .option('--shadow-rate <r>', 'shadow: share of live requests mirrored to the candidate, (0, 1] (default 1)')
    .option('--promote-alias <alias>', 'move this registry alias to the new version on promotion')
    .option('--override', 'roll out a version that fails its registry gates (needs --reason; audited)')
    .option('--reason <text>', 'why the gate is waived')
    .option('--json', 'print JSON')
    .action(async (endpoint: string, flags: StartFlags) => {
      const input = {
        to: modelRef(flags.to),
        strategy: flags.strategy,
        ...(flags.steps !== undefined ? { steps: numbers(flags.steps, '--steps') } : {}),
        ...(flags.linearSteps !== undefined ? { stepCount: integer(flags.linearSteps, '--linear-steps') } : {}),
        ...(flags.bake !== undefined ? { bake: flags.bake } : {}),
        ...(flags.window !== undefined ? { window: flags.window } : {}),
        guards: flags.guard,
        ...(flags.minRequests !== undefined ? { minRequests: integer(flags.minRequests, '--min-requests') } : {}),
        ...(flags.stickyKey !== undefined ? { stickyKey: flags.stickyKey } : {}),
        ...(flags.weights !== undefined ? { weights: numbers(flags.weights, '--weights') } : {}),
        ...(flags.shadowRate !== undefined ? { shadowSampleRate: numbers(flags.shadowRate, '--shadow-rate')[0] } : {}),
        ...(flags.mde !== undefined ? { mde: numbers(flags.mde, '--mde')[0] } : {}),
        ...(flags.promoteAlias !== undefined ? { promoteAlias: flags.promoteAlias } : {}),
        ...(flags.override ? { override: true } : {}),
        ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
      };
      const view = await withKiln((kiln) => kiln.rollouts.start(endpoint, input, { project: project(), allowFiles: true }));
      if (flags.json) return printJson(ctx.io, view);
      ctx.io.out(`started ${describeRollout(view)}`);
    });
  rollout
    .command('status <endpoint>')
    .description('the running (else latest) rollout with live per-variant numbers and guard readings')
    .option('--json', 'print JSON')
    .action(async (endpoint: string, flags: { json?: boolean }) => {
      const view = await withKiln((kiln) => kiln.rollouts.status(endpoint, project()));
      if (flags.json) return printJson(ctx.io, view);
      ctx.io.out(describeRollout(view));
    });
  for (const [verb, what] of [['promote', 'promote the running rollout now (the endpoint points at the new version)'], ['rollback', 'roll back now (the endpoint gets its variants from before)'], ['abort', 'stop the rollout without judging the candidate (same traffic as rollback)']] as const) {
    rollout
      .command(`${verb} <endpoint>`)
      .description(what)
      .option('--json', 'print JSON')
      .action(async (endpoint: string, flags: { json?: boolean }) => {
        const view = await withKiln((kiln) => kiln.rollouts[verb](endpoint, { project: project() }));
        if (flags.json) return printJson(ctx.io, view);
        ctx.io.out(describeRollout(view));
      });
  }
  rollout
    .command('history <endpoint>')
    .description('rollouts of an endpoint, newest first')
    .option('--limit <n>', 'how many (default 20)', '20')
    .option('--json', 'print JSON')
    .action(async (endpoint: string, flags: { limit: string; json?: boolean }) => {
      const rows = await withKiln((kiln) => kiln.rollouts.history(endpoint, project(), integer(flags.limit, '--limit')));
      if (flags.json) return printJson(ctx.io, { rollouts: rows });
      ctx.io.out(renderTable(['id', 'strategy', 'to', 'status', 'started', 'finished'], rows.map((r) => [r.id, r.strategy, r.spec.to, r.status, r.createdAt, r.finishedAt ?? ''])));
    });
  rollout
    .command('report <endpoint>')
    .description('per-variant traffic, errors, latency and outcomes over time; --html writes an offline page with charts')
    .option('--html <file>', 'write an offline HTML report (inline SVG)')
    .option('--json', 'print JSON')
    .action(async (endpoint: string, flags: { html?: string; json?: boolean }) => {
      if (flags.html) {
        const { checkOutputs } = await import('../output-guard.js');
        await checkOutputs([], [{ path: flags.html, flag: '--html' }]);
      }
      const report = await withKiln((kiln) => kiln.rollouts.report(endpoint, project()));
      if (flags.html) {
        const { writeFileAtomic } = await import('../../data/io/temp-space.js');
        const { rolloutReportHtml } = await import('../rollout-report-html.js');
        await writeFileAtomic(flags.html, rolloutReportHtml(report));
      }
      if (flags.json) return printJson(ctx.io, { ...report, ...(flags.html ? { html: flags.html } : {}) });
      ctx.io.out(describeRollout(report.rollout));
      ctx.io.out(renderTable(['variant', 'requests', 'errors', 'error rate', 'p50 ms', 'p99 ms', 'labelled', 'accuracy'], report.series.map((s) => [s.shadow ? `${s.variant} (shadow)` : s.variant, s.total.requests, s.total.errors, fmt(s.total.errorRate), fmt(s.total.p50Ms), fmt(s.total.p99Ms), s.total.labelled, fmt(s.total.accuracy)])));
      if (flags.html) ctx.io.out(`wrote ${flags.html}\n`);
    });
}
