/**
 * `kiln data profile | suggest | validate | register | list | show`. The data engine (DuckDB) and
 * the store are imported inside the actions so `kiln --help` stays fast; file-only work never opens
 * the store.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../store/page.js';
import type { PageRequest } from '../../store/page.js';
import type { CliContext } from '../main.js';
import { checkOutputs } from '../output-guard.js';
import type { OutputFile } from '../output-guard.js';
import { printJson, renderTable } from '../output.js';
import { createProgress } from '../progress.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';
import type { RawReadFlags } from '../read-options.js';
import { resolveSource, withKiln, withLazyKiln } from '../with-kiln.js';
import { registerSuiteCommands } from './suite-commands.js';

interface JsonFlag {
  json?: boolean;
}

/** Register the `data` command group. */
export function registerDataCommands(program: Command, ctx: CliContext): void {
  const data = program.command('data').description('profile, validate and version datasets');
  const { io } = ctx;
  registerSuiteCommands(data, ctx);

  addReadOptions(
    data
      .command('profile')
      .description('profile a dataset: per-column statistics, histograms, correlations')
      .argument('<source>', 'file (CSV, Parquet, JSON, NDJSON) or NAME@VERSION')
      .option('--json', 'print the profile as JSON')
      .option('--html <file>', 'also write a standalone HTML report')
      .option('--out <file>', 'write the JSON profile to a file'),
  ).action(async (source: string, flags: RawReadFlags & JsonFlag & { html?: string; out?: string }) => {
    const readOptions = readOptionsFrom(flags);
    const outputs: OutputFile[] = [];
    if (flags.out !== undefined) outputs.push({ path: flags.out, flag: '--out' });
    if (flags.html !== undefined) outputs.push({ path: flags.html, flag: '--html' });
    const { profileSource } = await import('../../data/run/profile-source.js');
    const { writeFileAtomic } = await import('../../data/io/temp-space.js');
    const progress = createProgress(io, 'profiling');
    const profile = await withLazyKiln(async (kiln) => {
      const resolved = await resolveSource(kiln, source, readOptions);
      await checkOutputs([resolved.path], outputs);
      return profileSource(resolved.path, resolved.readOptions, { onProgress: (rows) => progress.update(rows) });
    }).finally(() => progress.stop());
    if (flags.out) await writeFileAtomic(flags.out, `${JSON.stringify(profile, null, 2)}\n`);
    if (flags.html) {
      const { renderProfileHtml } = await import('../../data/profile/render-profile-html.js');
      await writeFileAtomic(flags.html, renderProfileHtml(profile, { title: `Profile of ${source}` }));
    }
    if (flags.json) return printJson(io, profile);
    io.out(`${profile.rows} rows, ${profile.columns.length} columns, ${profile.duplicateRows} duplicate rows\n\n`);
    io.out(
      renderTable(
        ['column', 'type', 'count', 'missing', 'distinct', 'mean', 'std', 'min', 'max'],
        profile.columns.map((c) => [c.name, c.type, c.count, c.missing, c.distinct, c.mean, c.std, c.min, c.max]),
      ),
    );
    if (flags.html) io.out(`\nHTML report: ${flags.html}\n`);
  });

  addReadOptions(
    data
      .command('suggest')
      .description('infer an expectation suite from reference data (prints it, or --out FILE)')
      .argument('<source>', 'file or NAME@VERSION')
      .option('--out <file>', 'write the suite to a file instead of stdout')
      .option('--name <name>', 'suite name')
      .option('--mask-out <file>', 'write the suggested PII masking policy to a file (for data register --mask)'),
  ).action(async (source: string, flags: RawReadFlags & { out?: string; name?: string; maskOut?: string }) => {
    const readOptions = readOptionsFrom(flags);
    const { suggestSource } = await import('../../data/run/validate-source.js');
    const { writeFileAtomic } = await import('../../data/io/temp-space.js');
    const { readFrameChunks } = await import('../../data/io/read-frame.js');
    const { detectPii } = await import('../../security/pii/detect-pii.js');
    const { suggestMaskingPolicy } = await import('../../security/pii/suggest-masking.js');
    const outputs: OutputFile[] = [
      ...(flags.out !== undefined ? [{ path: flags.out, flag: '--out' }] : []),
      ...(flags.maskOut !== undefined ? [{ path: flags.maskOut, flag: '--mask-out' }] : []),
    ];
    const [suite, mask] = await withLazyKiln(async (kiln) => {
      const resolved = await resolveSource(kiln, source, readOptions);
      await checkOutputs([resolved.path], outputs);
      const s = await suggestSource(resolved.path, resolved.readOptions, { name: flags.name ?? `suggested from ${source}` });
      return [s, suggestMaskingPolicy(await detectPii(readFrameChunks(resolved.path, resolved.readOptions)))] as const;
    });
    if (flags.maskOut) {
      await writeFileAtomic(flags.maskOut, `${JSON.stringify(mask, null, 2)}\n`);
      io.err(`wrote ${mask.rules.length} masking rules to ${flags.maskOut}\n`);
    } else if (mask.rules.length > 0) {
      io.err(`personal data found; suggested masking policy (save it and pass --mask to data register):\n${JSON.stringify(mask, null, 2)}\n`);
    }
    const text = `${JSON.stringify(suite, null, 2)}\n`;
    if (flags.out) {
      await writeFileAtomic(flags.out, text);
      io.err(`wrote ${suite.expectations.length} expectations to ${flags.out}\n`);
    } else io.out(text);
  });

  addReadOptions(
    data
      .command('validate')
      .description('validate a dataset against an expectation suite (exit 1 when an error-severity expectation fails)')
      .argument('<source>', 'file or NAME@VERSION')
      .requiredOption('--suite <file>', 'expectation suite (JSON)')
      .option('--reference <source>', 'reference data for distribution expectations (file or NAME@VERSION)')
      .option('--quarantine <dir>', 'write failing rows to DIR/failing.* and clean rows to DIR/clean.*')
      .option('--format <format>', 'quarantine file format: csv | parquet', 'csv')
      .option('--json', 'print the result as JSON'),
  ).action(async (source: string, flags: RawReadFlags & JsonFlag & { suite: string; reference?: string; quarantine?: string; format: string }) => {
    if (flags.format !== 'csv' && flags.format !== 'parquet') throw new UsageError(`--format must be csv or parquet (got "${flags.format}")`, { field: 'format' });
    const readOptions = readOptionsFrom(flags);
    const { validateSource } = await import('../../data/run/validate-source.js');
    const progress = createProgress(io, 'validating');
    const result = await withLazyKiln(async (kiln) => {
      const resolved = await resolveSource(kiln, source, readOptions);
      const reference = flags.reference ? await resolveSource(kiln, flags.reference, readOptions) : undefined;
      if (flags.quarantine !== undefined) {
        const files = [`clean.${flags.format}`, `failing.${flags.format}`];
        await checkOutputs([resolved.path, flags.suite, ...(reference ? [reference.path] : [])], [], [{ dir: flags.quarantine, flag: '--quarantine', files }]);
      }
      return validateSource(resolved.path, resolved.readOptions, flags.suite, {
        reference: reference ? { path: reference.path, readOptions: reference.readOptions } : undefined,
        quarantine: flags.quarantine ? { dir: flags.quarantine, format: flags.format as 'csv' | 'parquet' } : undefined,
        onProgress: (rows) => progress.update(rows),
      });
    }).finally(() => progress.stop());
    ctx.exitCode = result.success ? 0 : 1;
    if (flags.json) return printJson(io, result);
    io.out(`${result.success ? 'PASSED' : 'FAILED'}: ${result.results.filter((r) => r.success).length}/${result.results.length} expectations hold on ${result.rows} rows\n\n`);
    io.out(
      renderTable(
        ['expectation', 'column', 'severity', 'ok', 'failing rows', 'observed'],
        result.results.map((r) => [r.expectation, r.column ?? '', r.severity, r.success ? 'yes' : 'NO', r.failingRows, r.observed]),
      ),
    );
    io.out(`\nscores: ${Object.entries(result.scores).map(([k, v]) => `${k}=${v === null ? 'n/a' : v.toFixed(3)}`).join('  ')}\n`);
    if (flags.quarantine) io.out(`quarantine: ${flags.quarantine}\n`);
  });

  addReadOptions(
    data
      .command('register')
      .description('store an immutable, content-hashed version of a dataset')
      .argument('<source>', 'file or NAME@VERSION')
      .requiredOption('--name <name>', 'dataset name')
      .option('--mask <policy.json>', 'mask personal data before storing (see data suggest --mask-out)')
      .option('--json', 'print the registration as JSON'),
  ).action(async (source: string, flags: RawReadFlags & JsonFlag & { name: string; mask?: string }) => {
    const readOptions = readOptionsFrom(flags);
    const policy = flags.mask ? await (await import('../read-masking-policy.js')).readMaskingPolicy(flags.mask) : undefined;
    const progress = createProgress(io, 'registering');
    const reg = await withKiln(async (kiln) => {
      const mask = policy ? { policy, salt: await (await import('../../security/pii/pii-salt.js')).loadPiiSalt(kiln.config.home) } : undefined;
      return kiln.datasets.register(source, flags.name, { readOptions, onProgress: (rows) => progress.update(rows), ...(mask ? { mask } : {}) });
    }).finally(() => progress.stop());
    if (flags.json) return printJson(io, reg);
    io.out(`${reg.created ? 'registered' : 'already registered'} ${reg.name}@${reg.version} (${reg.rows} rows, ${reg.columns} columns, sha256 ${reg.hash.slice(0, 12)}…)\n`);
  });

  data
    .command('list')
    .description('list registered datasets, by name, one page at a time')
    .option('--limit <n>', `datasets per page (default ${DEFAULT_PAGE_LIMIT}, at most ${MAX_PAGE_LIMIT})`)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--json', 'print as JSON')
    .action(async (flags: JsonFlag & PageFlags) => {
      const page = pageFrom(flags);
      const list = await withKiln((kiln) => kiln.datasets.list(page));
      if (flags.json) return printJson(io, { datasets: list.items, next: list.next });
      if (list.items.length === 0 && !flags.cursor) return io.out('no datasets registered yet (kiln data register FILE --name NAME)\n');
      io.out(renderTable(['name', 'latest', 'versions', 'updated'], list.items.map((d) => [d.name, d.latestVersion, d.versions, d.updatedAt])));
      if (list.next) io.out(`\nmore: kiln data list --cursor ${list.next}\n`);
    });

  data
    .command('show')
    .description('show a dataset version (NAME, NAME@VERSION or NAME@latest) and a page of its versions')
    .argument('<ref>', 'dataset reference')
    .option('--limit <n>', `versions listed per page (default ${DEFAULT_PAGE_LIMIT}, at most ${MAX_PAGE_LIMIT})`)
    .option('--cursor <cursor>', 'list the versions after the page that printed this cursor')
    .option('--json', 'print as JSON')
    .action(async (ref: string, flags: JsonFlag & PageFlags) => {
      const page = pageFrom(flags);
      const record = await withKiln(async (kiln) => {
        const r = await kiln.datasets.show(ref);
        const versions = await kiln.datasets.versions(r.name, page);
        return { ...r, versions: versions.items.map((v) => ({ version: v.version, hash: v.hash, rows: v.rows, createdAt: v.createdAt })), versionsNext: versions.next };
      });
      if (flags.json) return printJson(io, record);
      io.out(`${record.name}@${record.version}  rows=${record.rows} columns=${record.columns} bytes=${record.bytes} sha256=${record.hash}\nsource: ${record.source ?? ''}\ncreated: ${record.createdAt}\n\n`);
      const fields = (record.schema as { fields?: { name: string; type: string; nullable: boolean }[] }).fields ?? [];
      io.out(renderTable(['column', 'type', 'nullable'], fields.map((f) => [f.name, f.type, f.nullable])));
      io.out(`\nversions: ${record.versions.map((v) => v.version).join(', ')}\n`);
      if (record.versionsNext) io.out(`more versions: kiln data show ${record.name} --cursor ${record.versionsNext}\n`);
    });
}

interface PageFlags {
  limit?: string;
  cursor?: string;
}

/** `--limit`/`--cursor` as a page request; the store checks the range and the cursor. */
function pageFrom(flags: PageFlags): PageRequest {
  let limit: number | undefined;
  if (flags.limit !== undefined) {
    if (!/^[0-9]{1,9}$/.test(flags.limit)) throw new UsageError(`--limit must be a whole number from 1 to ${MAX_PAGE_LIMIT} (got "${flags.limit}")`, { field: 'limit' });
    limit = Number(flags.limit);
  }
  return { limit, cursor: flags.cursor };
}
