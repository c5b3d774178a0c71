/**
 * `kiln alerts rules create|list|show|delete` and `kiln alerts list|show|ack`: alert rules over monitor
 * results, the alerts they raise and their history, thin over `kiln.alerts` (the same service as
 * `/v1/alerts`). Every command takes `--json`; the alert service is imported only when a command runs.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { AlertEventRecord, AlertRecord } from '../../store/alert-repository.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { withKiln } from '../with-kiln.js';
import { parseLimit } from './runs-command.js';

interface CreateFlags {
  monitor?: string;
  rule?: string;
  on?: string;
  endpoint?: string;
  severity?: string;
  channel: string[];
  webhookSecret?: string;
  action: string[];
  defaultAnswer?: string;
  cooldown?: string;
  json?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A number when the text is one (regression answers), else the text (class labels). */
function answerOf(text: string | undefined): string | number | undefined {
  if (text === undefined) return undefined;
  return /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text.trim()) ? Number(text) : text;
}

function alertRow(a: AlertRecord): unknown[] {
  return [a.id, a.rule, a.severity, a.status, a.lastValue, a.occurrences, a.firedAt, a.acknowledgedBy ?? '', a.endpoint];
}

function eventLine(e: AlertEventRecord): string {
  const d = e.detail;
  switch (e.kind) {
    case 'delivery': {
      const attempts = Array.isArray(d.attempts) ? (d.attempts as { status: number | null; error: string | null }[]) : [];
      return `${String(d.channel)} (${String(d.event)}): ${d.ok ? 'delivered' : 'FAILED'} after ${attempts.length} attempt(s)${d.ok ? '' : `: ${attempts.at(-1)?.error ?? ''}`}`;
    }
    case 'action':
      return `${String(d.action)} ${String(d.phase)}: ${d.ok ? '' : 'FAILED: '}${String(d.summary)}`;
    case 'acknowledged':
      return `by ${String(d.by)}${d.note ? `: ${String(d.note)}` : ''}`;
    default:
      return `${d.reason ? String(d.reason) : ''}${d.runId ? ` (run ${String(d.runId)})` : ''}${d.cooldownUntil ? `; cooldown until ${String(d.cooldownUntil)}` : ''}`;
  }
}

/** Register `kiln alerts`. */
export function registerAlertsCommands(program: Command, ctx: CliContext): void {
  const alerts = program.command('alerts').description('alert rules over monitor results, alerts, their history and acknowledgement');
  const rules = alerts.command('rules').description('alert rules: create, list, show, delete');
  rules
    .command('create <name>')
    .description("create a rule over a monitor (--monitor M --rule 'drift_share > 0.3 for 2 runs') or over rollout events (--on rollout.rolled_back,rollout.breach [--endpoint E])")
    .option('--monitor <name>', 'the monitor whose runs the rule reads')
    .option('--rule <condition>', "with --monitor: METRIC[(COLUMN)] OP NUMBER [for N runs]: 'auc < 0.75', 'psi(age) > 0.2'")
    .option('--on <events>', 'instead of --monitor: rollout events, comma-separated: rollout.breach, rollout.rolled_back, rollout.promoted, rollout.aborted, rollout.started, rollout.step, rollout.look, rollout.alias_failed')
    .option('--endpoint <name>', "with --on: only this endpoint's rollouts")
    .option('--severity <level>', 'info, warning (default) or critical')
    .option('--channel <spec>', 'webhook:URL, slack:URL or email:ADDRESS (repeatable)', collect, [])
    .option('--webhook-secret <secret>', 'signing secret of the webhook channels (default: generated and printed once)')
    .option('--action <action>', 'retrain, rollback, circuit-breaker or circuit-breaker:VARIANT (repeatable)', collect, [])
    .option('--default-answer <value>', "the circuit breaker's answer when no variant is left (a number or a label)")
    .option('--cooldown <duration>', 'no new alert for this long after one fires: 30m (default; 0 with --on), 2h, 90s, 1d')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: CreateFlags) => {
      const defaultAnswer = answerOf(flags.defaultAnswer);
      const { warnings, ...rule } = await withKiln((kiln) =>
        kiln.alerts.createRule({
          name,
          ...(flags.monitor !== undefined ? { monitor: flags.monitor } : {}),
          ...(flags.rule !== undefined ? { rule: flags.rule } : {}),
          ...(flags.on !== undefined ? { on: flags.on } : {}),
          ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
          ...(flags.severity !== undefined ? { severity: flags.severity } : {}),
          channels: flags.channel,
          ...(flags.webhookSecret !== undefined ? { webhookSecret: flags.webhookSecret } : {}),
          actions: flags.action,
          ...(defaultAnswer !== undefined ? { defaultAnswer } : {}),
          ...(flags.cooldown !== undefined ? { cooldown: flags.cooldown } : {}),
        }),
      );
      // Said once, at creation, on stderr (and in --json): a secret stored as plain text (no master key).
      for (const w of warnings) ctx.io.err(`warning: ${w}\n`);
      if (flags.json) return printJson(ctx.io, { rule, warnings });
      ctx.io.out(`created alert rule ${rule.name}: ${rule.condition}${rule.events ? '' : ` on monitor ${rule.monitor}`} (${rule.severity}, cooldown ${rule.cooldownSeconds}s)\n`);
      for (const c of rule.channels) {
        ctx.io.out(`  channel ${c.kind} ${c.kind === 'email' ? c.to : c.url}\n`);
        if (c.kind === 'webhook') ctx.io.out(`    signing secret (shown once): ${c.secret ?? ''}\n`);
      }
      for (const a of rule.actions) ctx.io.out(`  action ${a.kind}${a.kind === 'circuit-breaker' && a.variant ? `:${a.variant}` : ''}\n`);
    });
  rules
    .command('list')
    .description('rules of the project by name')
    .option('--limit <n>', 'rules per page (1-1000)', '100')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print JSON')
    .action(async (flags: { limit: string; cursor?: string; json?: boolean }) => {
      const page = await withKiln((kiln) => kiln.alerts.listRules({ limit: parseLimit(flags.limit), cursor: flags.cursor ?? null }));
      if (flags.json) return printJson(ctx.io, { rules: page.items, next: page.next });
      ctx.io.out(renderTable(['name', 'monitor', 'condition', 'severity', 'channels', 'actions'], page.items.map((r) => [r.name, r.monitor, r.condition, r.severity, r.channels.map((c) => (c.secretStorage === 'plaintext' ? `${c.kind} (secret stored plain)` : c.kind)).join(', '), r.actions.map((a) => a.kind).join(', ')])));
      if (page.next) ctx.io.out(`more: --cursor ${page.next}\n`);
    });
  rules
    .command('show <name>')
    .description('one rule (webhook secrets hidden)')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const rule = await withKiln((kiln) => kiln.alerts.getRule(name));
      if (flags.json) return printJson(ctx.io, { rule });
      ctx.io.out(`${rule.name}: ${rule.condition}${rule.events ? '' : ` on monitor ${rule.monitor}`} (${rule.severity}, cooldown ${rule.cooldownSeconds}s, by ${rule.createdBy} at ${rule.createdAt})\n`);
      for (const c of rule.channels) ctx.io.out(`  channel ${c.kind} ${c.kind === 'email' ? (c.to ?? '') : (c.url ?? '')}${c.secretStorage ? ` (signing secret stored ${c.secretStorage === 'encrypted' ? 'encrypted' : 'as plain text'})` : ''}\n`);
      for (const a of rule.actions) ctx.io.out(`  action ${a.kind}\n`);
    });
  rules
    .command('delete <name>')
    .description('delete a rule (its alerts stay as history)')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const out = await withKiln((kiln) => kiln.alerts.deleteRule(name));
      if (flags.json) return printJson(ctx.io, out);
      ctx.io.out(`deleted alert rule ${name}\n`);
    });
  alerts
    .command('list')
    .description('alerts, newest first')
    .option('--open', 'only open alerts')
    .option('--rule <name>', 'only alerts of this rule')
    .option('--limit <n>', 'alerts per page (1-1000)', '100')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print JSON')
    .action(async (flags: { open?: boolean; rule?: string; limit: string; cursor?: string; json?: boolean }) => {
      const page = await withKiln((kiln) => kiln.alerts.listAlerts({ ...(flags.open ? { status: 'open' as const } : {}), ...(flags.rule !== undefined ? { rule: flags.rule } : {}) }, { limit: parseLimit(flags.limit), cursor: flags.cursor ?? null }));
      if (flags.json) return printJson(ctx.io, { alerts: page.items, next: page.next });
      ctx.io.out(renderTable(['id', 'rule', 'severity', 'status', 'value', 'runs', 'fired', 'acknowledged by', 'endpoint'], page.items.map(alertRow)));
      if (page.next) ctx.io.out(`more: --cursor ${page.next}\n`);
    });
  alerts
    .command('show <id>')
    .description('one alert with its history: deliveries, actions, acknowledgement, resolution')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const { alert, events } = await withKiln((kiln) => kiln.alerts.showAlert(id));
      if (flags.json) return printJson(ctx.io, { alert, events });
      ctx.io.out(`alert ${alert.id}: ${alert.rule} (${alert.severity}) ${alert.status.toUpperCase()} on endpoint ${alert.endpoint}, ${alert.rollout ? `rollout ${alert.rollout.id} (${alert.rollout.event})` : `monitor ${alert.monitor}`}\n`);
      ctx.io.out(`  ${alert.condition}: fired at ${alert.value} (${alert.firedAt}), last ${alert.lastValue} (${alert.lastSeenAt}), ${alert.occurrences} ${alert.rollout ? 'event(s) of the rollout' : 'breaching run(s)'}\n`);
      if (alert.resolvedAt) ctx.io.out(`  resolved ${alert.resolvedAt}\n`);
      if (alert.acknowledgedBy) ctx.io.out(`  acknowledged by ${alert.acknowledgedBy} at ${alert.acknowledgedAt ?? '?'}\n`);
      ctx.io.out(renderTable(['#', 'at', 'event', 'detail'], events.map((e) => [e.seq, e.at, e.kind, eventLine(e)])));
    });
  alerts
    .command('ack <id>')
    .description('acknowledge an alert (who and when are recorded)')
    .option('--note <text>', 'a note for the history')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { note?: string; json?: boolean }) => {
      if (flags.note !== undefined && flags.note.length > 1000) throw new UsageError('--note is longer than 1000 characters', { field: 'note' });
      const alert = await withKiln((kiln) => kiln.alerts.acknowledge(id, flags.note !== undefined ? { note: flags.note } : {}));
      if (flags.json) return printJson(ctx.io, { alert });
      ctx.io.out(`acknowledged alert ${alert.id} (${alert.rule}) as ${alert.acknowledgedBy ?? '?'}\n`);
    });
}
