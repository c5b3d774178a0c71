/**
 * `kiln endpoints create|list|show|update|delete`: serving endpoints, thin over `kiln.endpoints` (the same
 * service as `/v1/endpoints`). Bundle-file references are allowed here (made absolute, so servers started
 * elsewhere find them); `kiln serve` picks changes up within seconds.
 */
import { registerEndpointCaptureCommands } from './endpoint-capture-commands.js';
import { registerEndpointFeedbackCommands } from './endpoint-feedback-commands.js';
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { EndpointRecord } from '../../store/endpoint-repository.js';
import type { EndpointSettingsPatch } from '../../serving/endpoint-service.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { cliProject } from '../cli-project.js';
import { withKiln } from '../with-kiln.js';
import { parseLimit } from './runs-command.js';

interface SettingFlags {
  unseenCategories?: string;
  batching?: string;
  captureRate?: string;
  closeCircuit?: boolean;
  /** `--capture-mask FILE`; commander sets it to false for `--no-capture-mask`. */
  captureMask?: string | false;
  /** `--capture-attributions` / `--no-capture-attributions`; absent when neither is given. */
  captureAttributions?: boolean;
  /** `--feature-service NAME`; false for `--no-feature-service`. */
  featureService?: string | false;
}

/** Settings flags to a partial settings object; each bad value is a usage error naming the flag. */
async function settingsFrom(flags: SettingFlags): Promise<EndpointSettingsPatch> {
  const out: { -readonly [K in keyof EndpointSettingsPatch]?: EndpointSettingsPatch[K] } = {};
  if (flags.captureMask === false) out.captureMasking = null;
  else if (flags.captureMask !== undefined) {
    const { readJsonDocument } = await import('../read-masking-policy.js');
    out.captureMasking = await readJsonDocument(flags.captureMask, 'capture-mask');
  }
  if (flags.unseenCategories !== undefined) {
    if (flags.unseenCategories !== 'missing' && flags.unseenCategories !== 'reject') throw new UsageError('--unseen-categories must be "missing" or "reject"', { field: 'unseen-categories' });
    out.unseenCategories = flags.unseenCategories;
  }
  if (flags.batching !== undefined) {
    if (flags.batching === 'off') out.batching = null;
    else {
      const m = /^(\d{1,5}):(\d{1,4}(?:\.\d+)?)$/.exec(flags.batching);
      if (!m) throw new UsageError('--batching must be SIZE:WAIT_MS (e.g. 64:2) or "off"', { field: 'batching' });
      out.batching = { maxBatchSize: Number(m[1]), maxWaitMs: Number(m[2]) };
    }
  }
  if (flags.captureRate !== undefined) {
    const r = Number(flags.captureRate);
    if (flags.captureRate.trim() === '' || !Number.isFinite(r)) throw new UsageError('--capture-rate must be a number from 0 to 1', { field: 'capture-rate' });
    out.captureSampleRate = r;
  }
  if (flags.closeCircuit) out.circuitBreaker = null;
  if (flags.captureAttributions !== undefined) out.captureAttributions = flags.captureAttributions;
  if (flags.featureService === false) out.featureService = null;
  else if (flags.featureService !== undefined) out.featureService = flags.featureService;
  return out;
}

/** A file reference made absolute; other references unchanged. */
function modelRef(ref: string): string {
  const path = ref.startsWith('file:') ? ref.slice(5) : ref;
  const isFile = ref.startsWith('file:') || ref.includes('/') || ref.endsWith('.json');
  return isFile && !isAbsolute(path) ? resolve(path) : ref;
}

function withSettingFlags(cmd: Command): Command {
  return cmd
    .option('--unseen-categories <policy>', 'categories never seen in training: missing (score as missing) or reject (400)')
    .option('--batching <size:waitMs>', 'adaptive batching, e.g. 64:2, or "off"')
    .option('--capture-rate <r>', 'share of requests captured, 0..1')
    .option('--close-circuit', 'close an open circuit breaker (route to every variant again; removes the variant it added)')
    .option('--capture-mask <policy.json>', 'masking policy applied to captured inputs (same format as `kiln data register --mask`)')
    .option('--no-capture-mask', 'remove the capture masking policy')
    .option('--capture-attributions', 'store TreeSHAP attributions (shap_<input>, shap_base) with captured rows, computed at flush (Kiln GBDT models only)')
    .option('--no-capture-attributions', 'stop storing attributions with captured rows')
    .option('--feature-service <name>', 'feature service predict-from-features reads (default: the one the model was trained on)')
    .option('--no-feature-service', 'forget the feature service setting (use the one the model was trained on)')
    .option('--json', 'print JSON');
}

function describe(e: EndpointRecord): string {
  const variants = e.variants.map((v) => `  variant ${v.name}: ${v.model} (weight ${v.weight})`).join('\n');
  const b = e.settings.batching;
  const cb = e.settings.circuitBreaker;
  const circuit = cb ? `  circuit OPEN on ${cb.open.join(', ')} since ${cb.openedAt}${cb.defaultAnswer !== null ? ` (default answer ${JSON.stringify(cb.defaultAnswer)})` : ''}: ${cb.reason}\n` : '';
  return `endpoint ${e.project}/${e.name} (revision ${e.revision}, updated ${e.updatedAt})\n${variants}\n  unseen categories: ${e.settings.unseenCategories}; batching: ${b ? `${b.maxBatchSize} rows / ${b.maxWaitMs} ms` : 'off'}; capture: ${e.settings.captureSampleRate}${e.settings.captureMasking ? ` (masked: ${e.settings.captureMasking.rules.map((r) => `${r.column}=${r.action}`).join(', ')})` : ''}${e.settings.captureAttributions ? '; with attributions' : ''}${e.settings.featureService ? `; feature service: ${e.settings.featureService}` : ''}\n${circuit}`;
}

/** The command's project (`--project`, `kiln --project`, `KILN_PROJECT`, `default`). */
function project(): string {
  return cliProject() ?? 'default';
}

/** Register `kiln endpoints`. */
export function registerEndpointsCommands(program: Command, ctx: CliContext): void {
  const endpoints = program.command('endpoints').description('serving endpoints: create, list, show, update, delete, capture, feedback (served by `kiln serve`)');
  registerEndpointCaptureCommands(endpoints, ctx);
  registerEndpointFeedbackCommands(endpoints, ctx);
  withSettingFlags(endpoints.command('create <name>').description('create an endpoint serving one model').requiredOption('--model <ref>', 'NAME@VERSION, NAME@ALIAS, trained:ID or a bundle file').option('--variant <name>', 'variant name (default: main)')).action(
    async (name: string, flags: SettingFlags & { model: string; variant?: string; json?: boolean }) => {
      const settings = await settingsFrom(flags);
      const e = await withKiln((kiln) => kiln.endpoints.create({ name, model: modelRef(flags.model), ...(flags.variant ? { variant: flags.variant } : {}), settings }, { project: project(), allowFiles: true }));
      if (flags.json) return printJson(ctx.io, e);
      ctx.io.out(`created ${describe(e)}`);
    },
  );
  endpoints
    .command('list')
    .description('endpoints of a project by name')
    .option('--limit <n>', 'endpoints per page (1-1000)', '100')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print JSON')
    .action(async (flags: { limit: string; cursor?: string; json?: boolean }) => {
      const page = await withKiln((kiln) => kiln.endpoints.list({ limit: parseLimit(flags.limit), cursor: flags.cursor ?? null }, project()));
      if (flags.json) return printJson(ctx.io, { endpoints: page.items, next: page.next });
      ctx.io.out(renderTable(['name', 'variants', 'revision', 'updated'], page.items.map((e) => [e.name, e.variants.map((v) => `${v.name}=${v.model}`).join(', '), e.revision, e.updatedAt])));
      if (page.next) ctx.io.out(`more: --cursor ${page.next}\n`);
    });
  endpoints
    .command('show <name>')
    .description('one endpoint')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const e = await withKiln((kiln) => kiln.endpoints.get(name, project()));
      if (flags.json) return printJson(ctx.io, e);
      ctx.io.out(describe(e));
    });
  withSettingFlags(endpoints.command('update <name>').description('re-point a variant at another model and/or change settings').option('--model <ref>', 'the new model reference').option('--variant <name>', 'the variant to re-point (default: the only one)')).action(
    async (name: string, flags: SettingFlags & { model?: string; variant?: string; json?: boolean }) => {
      const settings = await settingsFrom(flags);
      if (flags.model === undefined && Object.keys(settings).length === 0) throw new UsageError('nothing to change: pass --model or a setting flag', { field: 'model' });
      const e = await withKiln((kiln) => kiln.endpoints.update(name, { ...(flags.model !== undefined ? { model: modelRef(flags.model) } : {}), ...(flags.variant ? { variant: flags.variant } : {}), settings }, { project: project(), allowFiles: true }));
      if (flags.json) return printJson(ctx.io, e);
      ctx.io.out(`updated ${describe(e)}`);
    },
  );
  endpoints
    .command('delete <name>')
    .description('delete an endpoint (servers stop serving it within seconds)')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const out = await withKiln((kiln) => kiln.endpoints.delete(name, { project: project() }));
      if (flags.json) return printJson(ctx.io, out);
      ctx.io.out(`deleted endpoint ${name}\n`);
    });
}
