/**
 * `kiln models register | list | show | versions | alias | stage | approve | reject | gate | card |
 * lineage | tag | delete | import | export`: the model registry, thin over `kiln.registry` (the same calls as `/v1/models`).
 * Gate failures exit 1 from `gate`; a refused promotion is a conflict (exit 2) naming the failing gates.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { ModelVersionRecord } from '../../store/model-registry-repository.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { withKiln } from '../with-kiln.js';
import { parseLimit } from './runs-command.js';

interface RegisterFlags {
  name: string;
  run?: string;
  file?: string;
  description?: string;
  evalData?: string;
  parent?: string;
  tag?: string[];
  json?: boolean;
}

interface OverrideFlags {
  override?: boolean;
  reason?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function parseTags(pairs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--tag must be KEY=VALUE (got ${JSON.stringify(p.slice(0, 60))})`, { field: 'tag' });
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

function parseVersionNumber(flag: string, text: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--${flag} must be a version number (got ${JSON.stringify(text.slice(0, 40))})`, { field: flag });
  return Number(text);
}

function versionLine(v: ModelVersionRecord): string {
  return `${v.name}@${v.version} (${v.format}, ${v.status}, stage ${v.stage}${v.evaluation?.metrics.roc_auc !== undefined ? `, roc_auc ${v.evaluation.metrics.roc_auc}` : ''})`;
}

/** Register the `models` command group. */
export function registerModelsCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const models = program.command('models').description('the model registry: versions, aliases, stages, approvals, gates, lineage, cards');

  models
    .command('register')
    .description("register a version from a run's bundle (--run) or a bundle file (--file)")
    .requiredOption('--name <name>', 'model name (created on first registration)')
    .option('--run <id>', 'a run recorded by `kiln train`')
    .option('--file <bundle>', 'a model bundle file')
    .option('--description <text>', 'intended use (shown on the model card)')
    .option('--eval-data <NAME@VERSION>', 'score the model on this dataset version and record it as the evaluation')
    .option('--parent <version>', 'the version this one retrains')
    .option('--tag <key=value>', 'a tag (repeatable)', collect)
    .option('--json', 'print as JSON')
    .action(async (flags: RegisterFlags) => {
      if ((flags.run === undefined) === (flags.file === undefined)) throw new UsageError('pass exactly one of --run RUN_ID or --file BUNDLE', { field: 'run' });
      const opts = {
        name: flags.name,
        ...(flags.description !== undefined ? { description: flags.description } : {}),
        ...(flags.evalData !== undefined ? { evaluationDataset: flags.evalData } : {}),
        ...(flags.parent !== undefined ? { parentVersion: parseVersionNumber('parent', flags.parent) } : {}),
        tags: parseTags(flags.tag),
      };
      const { versionView } = await import('../../registry/version-view.js');
      const v = await withKiln((kiln) => (flags.run !== undefined ? kiln.registry.registerFromRun(flags.run, opts) : kiln.registry.registerFromFile(flags.file as string, opts)));
      if (flags.json) return printJson(io, versionView(v));
      io.out(`registered ${versionLine(v)}\n`);
    });

  models
    .command('list')
    .description('registered models, by name')
    .option('--limit <n>', 'models per page (1-1000)', '100')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print as JSON')
    .action(async (flags: { limit: string; cursor?: string; json?: boolean }) => {
      const page = await withKiln((kiln) => kiln.registry.listModels({ limit: parseLimit(flags.limit), cursor: flags.cursor ?? null }));
      if (flags.json) return printJson(io, { models: page.items, next: page.next });
      if (page.items.length === 0) return io.out('no models registered yet (kiln models register --name NAME --run RUN_ID)\n');
      io.out(renderTable(['name', 'latest', 'updated', 'description'], page.items.map((m) => [m.name, m.latestVersion, m.updatedAt, m.description ?? ''])));
      if (page.next) io.out(`\nmore: kiln models list --cursor ${page.next}\n`);
    });

  models
    .command('show')
    .description('a model (NAME: aliases and newest versions) or one version (NAME@VERSION|ALIAS|production|latest)')
    .argument('<ref>', 'NAME or a model reference')
    .option('--json', 'print as JSON')
    .action(async (ref: string, flags: { json?: boolean }) => {
      const { versionView } = await import('../../registry/version-view.js');
      if (ref.includes('@')) {
        const v = await withKiln((kiln) => kiln.registry.resolveRecord(ref));
        if (flags.json) return printJson(io, versionView(v));
        io.out(`${versionLine(v)}\naliases: ${v.aliases.join(', ') || '-'}\ncreated ${v.createdAt} by ${v.createdBy}\nchecksum ${v.checksum}\n`);
        if (v.evaluation) io.out(renderTable(['metric', 'value'], Object.entries(v.evaluation.metrics)));
        return;
      }
      const m = await withKiln((kiln) => kiln.registry.showModel(ref));
      if (flags.json) return printJson(io, { ...m, versions: m.versions.map(versionView) });
      io.out(`${m.name}: ${m.description ?? ''}\naliases: ${m.aliases.map((a) => `${a.alias}->${a.version}`).join(', ') || '-'}\ngate policy: ${m.gatePolicy ? JSON.stringify(m.gatePolicy) : 'none'}\n\n`);
      io.out(renderTable(['version', 'status', 'stage', 'format', 'created'], m.versions.map((v) => [v.version, v.status, v.stage, v.format, v.createdAt])));
    });

  models
    .command('versions')
    .description('versions of a model, newest first')
    .argument('<name>', 'model name')
    .option('--limit <n>', 'versions per page (1-1000)', '100')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print as JSON')
    .action(async (name: string, flags: { limit: string; cursor?: string; json?: boolean }) => {
      const { versionView } = await import('../../registry/version-view.js');
      const page = await withKiln((kiln) => kiln.registry.listVersions(name, { limit: parseLimit(flags.limit), cursor: flags.cursor ?? null }));
      if (flags.json) return printJson(io, { versions: page.items.map(versionView), next: page.next });
      io.out(renderTable(['version', 'status', 'stage', 'format', 'source', 'created'], page.items.map((v) => [v.version, v.status, v.stage, v.format, v.source.runId ?? v.source.file ?? v.source.kind, v.createdAt])));
      if (page.next) io.out(`\nmore: kiln models versions ${name} --cursor ${page.next}\n`);
    });

  models
    .command('alias')
    .description('point ALIAS at the version REF names (atomic); the champion alias is gated')
    .argument('<ref>', 'NAME@VERSION (or any reference), or NAME with --remove')
    .argument('<alias>', 'alias name (champion, challenger, ...)')
    .option('--expect <version>', 'only if the alias currently points at this version ("none": must not exist)')
    .option('--remove', 'remove the alias instead')
    .option('--override', 'move it although a gate fails (needs --reason; audited)')
    .option('--reason <text>', 'why the gate is overridden')
    .option('--json', 'print as JSON')
    .action(async (ref: string, alias: string, flags: OverrideFlags & { expect?: string; remove?: boolean }) => {
      const expectedVersion = flags.expect === undefined ? undefined : flags.expect === 'none' ? null : parseVersionNumber('expect', flags.expect);
      if (flags.remove) {
        const name = ref.includes('@') ? ref.slice(0, ref.lastIndexOf('@')) : ref;
        const out = await withKiln((kiln) => kiln.registry.removeAlias(name, alias, { expectedVersion }));
        if (flags.json) return printJson(io, out);
        return io.out(`removed ${out.name}@${out.alias} (was version ${out.before})\n`);
      }
      const out = await withKiln((kiln) => kiln.registry.setAlias(ref, alias, { expectedVersion, override: flags.override, reason: flags.reason }));
      if (flags.json) return printJson(io, out);
      io.out(`${out.name}@${out.alias} -> version ${out.after}${out.before !== null && out.before !== out.after ? ` (was ${out.before})` : ''}\n`);
    });

  models
    .command('stage')
    .description('move a version to a stage: none | staging | production | archived (production: approved and gated)')
    .argument('<ref>', 'model reference')
    .argument('<stage>', 'none | staging | production | archived')
    .option('--force', 'keep other production versions in production')
    .option('--override', 'promote although a gate fails (needs --reason; audited)')
    .option('--reason <text>', 'why the gate is overridden')
    .option('--json', 'print as JSON')
    .action(async (ref: string, stage: string, flags: OverrideFlags & { force?: boolean }) => {
      const out = await withKiln((kiln) => kiln.registry.setStage(ref, stage, { force: flags.force, override: flags.override, reason: flags.reason }));
      if (flags.json) return printJson(io, out);
      io.out(`${out.name}@${out.version}: ${out.before} -> ${out.after}${out.archived.length ? ` (archived ${out.archived.join(', ')})` : ''}\n`);
    });

  for (const decision of ['approve', 'reject'] as const) {
    models
      .command(decision)
      .description(`${decision} a version (needs models:admin), recording who, when and why`)
      .argument('<ref>', 'model reference')
      .option('--comment <text>', 'why')
      .option('--json', 'print as JSON')
      .action(async (ref: string, flags: { comment?: string; json?: boolean }) => {
        const { versionView } = await import('../../registry/version-view.js');
        const v = await withKiln((kiln) => kiln.registry[decision](ref, { comment: flags.comment }));
        if (flags.json) return printJson(io, versionView(v));
        io.out(`${v.name}@${v.version} is ${v.status}\n`);
      });
  }

  models
    .command('gate')
    .description("evaluate a version's gates (exit 1 when one fails), or set a model's gate policy with --set")
    .argument('<ref>', 'a model reference to evaluate, or NAME with --set/--clear')
    .option('--set <policy>', 'gate policy: a JSON file or inline JSON, e.g. \'{"thresholds":["auc >= 0.8"],"champion":{"metric":"roc_auc","maxDrop":0.01}}\'')
    .option('--clear', 'remove the gate policy')
    .option('--json', 'print as JSON')
    .action(async (ref: string, flags: { set?: string; clear?: boolean; json?: boolean }) => {
      if (flags.set !== undefined || flags.clear) {
        const policy = flags.clear ? null : await readPolicy(flags.set as string);
        const saved = await withKiln((kiln) => kiln.registry.setGatePolicy(ref, policy));
        if (flags.json) return printJson(io, { name: ref, policy: saved });
        return io.out(saved ? `gate policy of ${ref}: ${JSON.stringify(saved)}\n` : `gate policy of ${ref} removed\n`);
      }
      const report = await withKiln((kiln) => kiln.registry.gate(ref));
      ctx.exitCode = report.passed ? 0 : 1;
      if (flags.json) return printJson(io, report);
      io.out(`${report.ref}: ${report.passed ? 'passes' : 'FAILS'} its gates\n`);
      if (report.checks.length) io.out(renderTable(['gate', 'check', 'result', 'detail'], report.checks.map((c) => [c.gate, c.name, c.passed ? 'pass' : 'FAIL', c.message])));
    });

  models
    .command('card')
    .description('the model card of a version (Markdown or JSON)')
    .argument('<ref>', 'model reference')
    .option('--format <format>', 'md | json', 'md')
    .option('--out <file>', 'write to a file (atomically) instead of stdout')
    .option('--json', 'same as --format json')
    .action(async (ref: string, flags: { format: string; out?: string; json?: boolean }) => {
      const format = flags.json ? 'json' : flags.format;
      if (format !== 'md' && format !== 'json') throw new UsageError('--format must be md or json', { field: 'format' });
      const card = await withKiln((kiln) => kiln.registry.card(ref));
      const { renderModelCardMarkdown } = await import('../../registry/model-card.js');
      const text = format === 'json' ? `${JSON.stringify(card, null, 2)}\n` : renderModelCardMarkdown(card);
      if (!flags.out) return io.out(text);
      const tmp = `${flags.out}.tmp-${process.pid}`;
      await writeFile(tmp, text);
      await rename(tmp, flags.out);
      io.err(`wrote the model card of ${card.version.ref} to ${flags.out}\n`);
    });

  models
    .command('lineage')
    .description('where a version came from: run, params, metrics, datasets, commit, parent')
    .argument('<ref>', 'model reference')
    .option('--json', 'print as JSON')
    .action(async (ref: string, flags: { json?: boolean }) => {
      const l = await withKiln((kiln) => kiln.registry.lineage(ref));
      if (flags.json) return printJson(io, l);
      io.out(`${l.ref} (${l.source.kind}${l.source.file ? ` ${l.source.file}` : ''})\n`);
      if (l.run) io.out(`run ${l.run.id} (experiment ${l.run.experiment}, ${l.run.status}), commit ${l.run.gitCommit ?? 'unknown'}\nparams: ${JSON.stringify(l.run.params)}\n`);
      else if (l.runMissing) io.out(`run ${l.source.runId ?? ''} was deleted\n`);
      io.out(`training data: ${l.trainingDatasets.map((d) => `${d.name}@${d.version}`).join(', ') || '-'}\n`);
      io.out(`evaluation: ${l.evaluation?.dataset ? `${l.evaluation.dataset.name}@${l.evaluation.dataset.version} (${l.evaluation.split})` : '-'}\nparent: ${l.parent?.ref ?? '-'}\n`);
    });

  models
    .command('tag')
    .description('set tags (KEY=VALUE) or remove them (KEY=) on a version, or on the model with a bare NAME; --description too')
    .argument('<ref>', 'NAME@VERSION (a version) or NAME (the model)')
    .argument('[tags...]', 'KEY=VALUE to set, KEY= to remove')
    .option('--description <text>', 'replace the description')
    .option('--json', 'print as JSON')
    .action(async (ref: string, pairs: string[], flags: { description?: string; json?: boolean }) => {
      const tags: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(parseTags(pairs))) tags[k] = v === '' ? null : v;
      const patch = { tags, ...(flags.description !== undefined ? { description: flags.description } : {}) };
      if (!ref.includes('@')) {
        const m = await withKiln((kiln) => kiln.registry.updateModel(ref, patch));
        if (flags.json) return printJson(io, m);
        return io.out(`${m.name}: tags ${JSON.stringify(m.tags)}\n`);
      }
      const { versionView } = await import('../../registry/version-view.js');
      const v = await withKiln((kiln) => kiln.registry.tagVersion(ref, tags, flags.description !== undefined ? { description: flags.description } : {}));
      if (flags.json) return printJson(io, versionView(v));
      io.out(`${v.name}@${v.version}: tags ${JSON.stringify(v.tags)}\n`);
    });

  models
    .command('import')
    .description('register an ONNX, XGBoost (JSON), LightGBM (text) or Kiln model file as a new version (XGBoost/LightGBM become Kiln bundles)')
    .argument('<file>', 'the model file')
    .requiredOption('--name <name>', 'model name (created on first registration)')
    .option('--format <format>', 'onnx | xgboost | lightgbm | kiln (detected from the content when omitted)')
    .option('--description <text>', 'intended use (shown on the model card)')
    .option('--columns <names>', 'feature names (XGBoost/LightGBM) or ONNX input columns, comma-separated')
    .option('--json', 'print as JSON')
    .action(async (file: string, flags: { name: string; format?: string; description?: string; columns?: string; json?: boolean }) => {
      const { importModelVersion, parseImportFormat } = await import('../../registry/model-interop.js');
      const format = parseImportFormat(flags.format);
      const { basename } = await import('node:path');
      const bytes = await readFile(file).catch(() => {
        throw new UsageError(`model file not found: ${file}`, { field: 'file', file });
      });
      const { versionView } = await import('../../registry/version-view.js');
      const out = await withKiln((kiln) =>
        importModelVersion(kiln.registry, {
          name: flags.name,
          bytes,
          fileName: basename(file),
          ...(format !== undefined ? { format } : {}),
          ...(flags.description !== undefined ? { description: flags.description } : {}),
          ...(flags.columns !== undefined ? { columns: flags.columns.split(',').map((c) => c.trim()) } : {}),
        }),
      );
      if (flags.json) return printJson(io, { ...versionView(out.version), importedFrom: out.sourceFormat });
      io.out(`imported ${out.sourceFormat} model as ${versionLine(out.version)}\n`);
    });

  models
    .command('export')
    .description('export a Kiln model (a registry reference or a bundle file) to ONNX, written atomically')
    .argument('<ref>', 'NAME@VERSION, NAME@ALIAS, NAME@latest, ... or a bundle file path')
    .requiredOption('--format <format>', 'onnx')
    .requiredOption('--out <file>', 'the ONNX file to write')
    .option('--json', 'print as JSON')
    .action(async (ref: string, flags: { format: string; out: string; json?: boolean }) => {
      if (flags.format !== 'onnx') throw new UsageError(`--format must be onnx (got ${JSON.stringify(flags.format.slice(0, 40))})`, { field: 'format' });
      const { exportBundleOnnx } = await import('../../registry/model-interop.js');
      const { existsSync } = await import('node:fs');
      let source = ref;
      let bundle;
      if (existsSync(ref)) {
        const { parseBundle } = await import('../../runtime/bundle.js');
        bundle = parseBundle(await readFile(ref, 'utf8'), ref);
      } else {
        const loaded = await withKiln(async (kiln) => ({ bundle: await kiln.registry.loadBundle(ref), model: await kiln.registry.resolve(ref) }));
        bundle = loaded.bundle;
        source = loaded.model.ref;
      }
      const bytes = await exportBundleOnnx(bundle);
      const { writeFileAtomic } = await import('../../data/io/temp-space.js');
      await writeFileAtomic(flags.out, bytes);
      if (flags.json) return printJson(io, { ref: source, format: 'onnx', out: flags.out, bytes: bytes.length });
      io.out(`exported ${source} to ${flags.out} (ONNX, ${bytes.length} bytes)\n`);
    });

  models
    .command('delete')
    .description('delete a version (refused while an alias or the staging/production stage points at it)')
    .argument('<ref>', 'NAME@VERSION')
    .option('--json', 'print as JSON')
    .action(async (ref: string, flags: { json?: boolean }) => {
      const v = await withKiln((kiln) => kiln.registry.deleteVersion(ref));
      if (flags.json) return printJson(io, { deleted: `${v.name}@${v.version}` });
      io.out(`deleted ${v.name}@${v.version}\n`);
    });
}

async function readPolicy(text: string): Promise<unknown> {
  const source = text.trimStart().startsWith('{') ? text : await readFile(text, 'utf8').catch(() => {
    throw new UsageError(`--set: no such policy file ${JSON.stringify(text.slice(0, 200))}`, { field: 'set' }, 'Pass a JSON file or inline JSON.');
  });
  try {
    return JSON.parse(source) as unknown;
  } catch (err) {
    throw new UsageError(`--set: the gate policy is not valid JSON: ${(err as Error).message}`, { field: 'set' });
  }
}
