/**
 * `kiln features apply | list | show | stats | index | training-set`: the feature store. Thin over `kiln.features`
 * (the same service HTTP uses); definitions load and training sets run in lazily imported modules so
 * `kiln --help` stays fast.
 */
import type { Command } from 'commander';
import type { FeaturePlan } from '../../features/plan.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { createProgress } from '../progress.js';
import { withKiln } from '../with-kiln.js';

interface JsonFlag {
  json?: boolean;
}

/** Register `kiln features`. */
export function registerFeaturesCommands(program: Command, ctx: CliContext): void {
  const features = program.command('features').description('feature store: apply definitions, list/show them, build point-in-time training sets');
  features
    .command('apply <target>')
    .description('register features.yaml (a file, or a folder holding it): prints the plan (added/changed/removed); idempotent')
    .option('--dry-run', 'print the plan without registering')
    .option('--force', 'apply even when it breaks feature views that registered model versions use (audited)')
    .option('--json', 'print JSON')
    .action(async (target: string, flags: JsonFlag & { dryRun?: boolean; force?: boolean }) => {
      const { loadDefinitions } = await import('../../features/load-definitions.js');
      const { file, definitions } = await loadDefinitions(target);
      const result = await withKiln((kiln) => (flags.dryRun ? kiln.features.plan(definitions) : kiln.features.apply(definitions, undefined, {}, { force: flags.force === true })));
      if (flags.json) return printJson(ctx.io, { file, ...result });
      ctx.io.out(renderPlan(result.plan));
      for (const b of result.breaking) ctx.io.out(`breaking: ${b.view}: ${b.change} (used by ${b.models.join(', ')})${result.forced ? ' [forced]' : ''}\n`);
      if (flags.dryRun) ctx.io.out('dry run: nothing registered\n');
      else ctx.io.out(result.applied ? `registered feature definitions version ${result.version}\n` : `no changes (version ${result.version})\n`);
    });
  features
    .command('list')
    .description('registered entities, feature views and feature services')
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlag) => {
      const current = await withKiln((kiln) => kiln.features.current());
      if (flags.json) return printJson(ctx.io, current ?? { version: 0, entities: [], featureViews: [], featureServices: [] });
      if (!current) return void ctx.io.out('no feature definitions registered (see `kiln features apply`)\n');
      const { formatTtl } = await import('../../features/ttl.js');
      const rows = [
        ...current.entities.map((e) => ['entity', e.name, '', `keys: ${e.joinKeys.join(', ')}`]),
        ...current.featureViews.map((v) => ['featureView', v.name, String(v.version), `${v.features.length} features, ttl ${formatTtl(v.ttlSeconds)}`]),
        ...current.featureServices.map((s) => ['featureService', s.name, '', `${s.features.length} features`]),
      ];
      ctx.io.out(renderTable(['kind', 'name', 'version', 'summary'], rows));
      ctx.io.out(`registry version ${current.version}, applied ${current.appliedAt}\n`);
    });
  features
    .command('show <name>')
    .description('one feature view, feature service or entity')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: JsonFlag) => {
      const found = await withKiln((kiln) => kiln.features.show(name));
      if (flags.json) return printJson(ctx.io, found);
      ctx.io.out(`${JSON.stringify(found, null, 2)}\n`);
    });
  features
    .command('training-set')
    .description('point-in-time-correct training set: entity rows + one column per feature (VIEW__FEATURE)')
    .requiredOption('--entities <file>', 'CSV/Parquet of entity rows: join keys and an event timestamp column')
    .requiredOption('--service <name>', 'feature service to fetch')
    .requiredOption('--out <file>', 'output .csv or .parquet (lineage goes to OUT.lineage.json)')
    .option('--timestamp-column <name>', 'event timestamp column of the entities file', 'event_timestamp')
    .option('--no-index', 'scan every source even where a view has a fresh offline index (see `kiln features index`)')
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlag & { entities: string; service: string; out: string; timestampColumn: string; index: boolean }) => {
      const progress = createProgress(ctx.io, 'training set', 'steps');
      const lineage = await withKiln((kiln) =>
        kiln.features.trainingSet({ entities: flags.entities, service: flags.service, out: flags.out, timestampColumn: flags.timestampColumn, useIndex: flags.index, onProgress: (d, t) => progress.update(d, t) }),
      ).finally(() => progress.stop());
      if (flags.json) return printJson(ctx.io, lineage);
      ctx.io.out(`wrote ${lineage.rows} rows x ${lineage.columns.length} columns to ${flags.out} (lineage: ${flags.out}.lineage.json)\n`);
      const indexed = lineage.featureViews.filter((v) => v.read === 'index').map((v) => v.name);
      const scanned = lineage.featureViews.filter((v) => v.read === 'scan');
      if (indexed.length > 0) ctx.io.out(`read from offline index: ${indexed.join(', ')}\n`);
      for (const v of scanned) ctx.io.out(`scanned source of ${v.name}${v.readReason ? `: ${v.readReason}` : ''}\n`);
    });
  features
    .command('index [views...]')
    .description('build the offline index of file- and dataset-backed feature views (all, or VIEWS), so training sets read only the rows they need; kept while source and definition are unchanged')
    .option('--force', 'rebuild even indexes that are fresh')
    .option('--status', 'only report each view\'s index state (fresh, missing, stale-source, stale-definition, unreadable, not-indexable)')
    .option('--json', 'print JSON')
    .action(async (views: string[], flags: JsonFlag & { force?: boolean; status?: boolean }) => {
      if (flags.status) {
        const states = await withKiln((kiln) => kiln.features.indexStatus());
        if (flags.json) return printJson(ctx.io, states);
        ctx.io.out(renderTable(['view', 'index', 'built at', 'entries'], states.map((s) => [s.view, s.state, s.builtAt ?? '-', s.entries ?? '-'])));
        return;
      }
      // One bar per view: each has its own source row count.
      let progress = createProgress(ctx.io, 'indexing', 'rows');
      let current = '';
      const reports = await withKiln((kiln) =>
        kiln.features.index({
          views,
          force: flags.force === true,
          onProgress: (view, rows, total) => {
            if (view !== current) {
              progress.stop();
              progress = createProgress(ctx.io, `indexing ${view}`, 'rows');
              current = view;
            }
            progress.update(rows, total);
          },
        }),
      ).finally(() => progress.stop());
      if (flags.json) return printJson(ctx.io, reports);
      ctx.io.out(
        renderTable(
          ['view', 'status', 'source rows', 'entries', 'seconds', 'note'],
          reports.map((r) => [r.view, r.status, r.sourceRows ?? '-', r.entries ?? '-', r.seconds === undefined ? '-' : r.seconds.toFixed(1), r.reason ?? '']),
        ),
      );
    });
  features
    .command('stats <view>')
    .description('a feature view\'s offline and online row counts, event-time range, freshness vs TTL, and a profile per feature')
    .option('--json', 'print JSON')
    .action(async (view: string, flags: JsonFlag) => {
      const stats = await withKiln((kiln) => kiln.features.stats(view));
      if (flags.json) return printJson(ctx.io, stats);
      const { formatStat } = await import('../../data/profile/format-stat.js');
      const f = stats.freshness;
      ctx.io.out(`${stats.view} (version ${stats.version}, source ${stats.source})\n`);
      ctx.io.out(`offline: ${stats.offline.rows} rows, ${stats.offline.entities} entities, event times ${stats.offline.earliestEventTime ?? '-'} .. ${stats.offline.latestEventTime ?? '-'}\n`);
      ctx.io.out(`online: ${stats.online.entities} entities, newest ${stats.online.latestEventTime ?? '-'}; last materialized ${stats.materialization ? `${stats.materialization.materializedAt} (watermark ${stats.materialization.watermark}, ${stats.materialization.rows} rows)` : 'never'}\n`);
      ctx.io.out(`freshness: newest event ${f.latestEventTime ?? '-'}, age ${f.ageSeconds ?? '-'} s, ttl ${f.ttlSeconds ?? 'none'}${f.stale ? ' - STALE (older than the TTL)' : ''}\n`);
      const top = (p: (typeof stats.features)[number]): string => (p.topCategories ?? []).slice(0, 3).map((c) => `${c.value}:${c.count}`).join(' ');
      ctx.io.out(
        renderTable(
          ['feature', 'type', 'count', 'missing', 'min', 'p50', 'max', 'mean', 'top'],
          stats.features.map((p) => [p.name, p.type, p.count, p.missing, formatStat(p.min), formatStat(p.quantiles?.p50 ?? null), formatStat(p.max), formatStat(p.mean), top(p)]),
        ),
      );
    });
  features
    .command('ingest <view>')
    .description('stream JSON rows of a view into the online store from nats:SUBJECT (KILN_NATS_URL) or redis-stream:KEY (KILN_REDIS_URL); older events never overwrite newer')
    .requiredOption('--from <spec>', 'nats:SUBJECT or redis-stream:KEY')
    .option('--until-idle <ms>', 'stop after this long without messages (default: run until interrupted)')
    .option('--json', 'print JSON')
    .action(async (view: string, flags: JsonFlag & { from: string; untilIdle?: string }) => {
      const { openStreamSource } = await import('../../store/open-stream-source.js');
      const { UsageError } = await import('../../core/errors.js');
      const untilIdleMs = flags.untilIdle === undefined ? undefined : Number(flags.untilIdle);
      if (untilIdleMs !== undefined && (!Number.isSafeInteger(untilIdleMs) || untilIdleMs < 0)) throw new UsageError(`--until-idle must be milliseconds (a whole number), got ${flags.untilIdle}`, { field: '--until-idle' });
      const source = openStreamSource(flags.from);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const progress = createProgress(ctx.io, 'ingesting', 'messages');
      const report = await withKiln((kiln) => kiln.features.ingestStream(view, source, { untilIdleMs, signal: stop.signal, onProgress: (r) => progress.update(r.consumed) }))
        .finally(() => {
          progress.stop();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        });
      if (flags.json) return printJson(ctx.io, report);
      ctx.io.out(`consumed ${report.consumed} messages: ${report.written} written, ${report.stale} older than stored (ignored), ${report.rejectedCount} rejected\n`);
      for (const r of report.rejected.slice(0, 20)) ctx.io.out(`rejected ${r.position}: ${r.reason}\n`);
    });
  registerMaterialize(features, ctx);
}

/** Parse an ISO-8601 time flag (UTC unless an offset is given); a UsageError naming the flag otherwise. */
async function timeFlag(flag: string, value: string): Promise<Date> {
  const { parseTime } = await import('../../features/online-serving.js');
  const { UsageError } = await import('../../core/errors.js');
  const t = value === 'now' ? Date.now() : parseTime(value);
  if (t === null) throw new UsageError(`${flag} must be an ISO-8601 time like 2026-01-31T00:00:00Z (or now), got ${value}`, { field: flag });
  return new Date(t);
}

function registerMaterialize(features: Command, ctx: CliContext): void {
  const run = async (start: Date | null, end: Date, flags: JsonFlag & { view?: string[] }): Promise<void> => {
    const progress = createProgress(ctx.io, 'materializing');
    const done = await withKiln((kiln) => kiln.features.materialize({ start, end, views: flags.view, onProgress: (_v, n) => progress.update(n) })).finally(() => progress.stop());
    if (flags.json) return printJson(ctx.io, { materialized: done });
    ctx.io.out(renderTable(['view', 'start', 'end', 'rows'], done.map((d) => [d.view, d.start, d.end, d.rows])));
  };
  const collect = (v: string, acc: string[] = []): string[] => [...acc, v];
  features
    .command('materialize')
    .description('write each view\'s latest values with event time in [--start, --end] to the online store')
    .requiredOption('--start <time>', 'window start, ISO-8601')
    .requiredOption('--end <time>', 'window end, ISO-8601 or now')
    .option('--view <name>', 'only this view (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlag & { start: string; end: string; view?: string[] }) => run(await timeFlag('--start', flags.start), await timeFlag('--end', flags.end), flags));
  features
    .command('materialize-incremental')
    .description('materialize from each view\'s watermark (the last --end) up to --end')
    .option('--end <time>', 'window end, ISO-8601 or now', 'now')
    .option('--view <name>', 'only this view (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlag & { end: string; view?: string[] }) => run(null, await timeFlag('--end', flags.end), flags));
  features
    .command('get-online')
    .description('read online values: --entity customer_id=1 (repeatable per key), --service or --feature VIEW:FEATURE')
    .requiredOption('--entity <key=value>', 'a join key value (repeat for several keys of one entity)', collect)
    .option('--service <name>', 'feature service')
    .option('--feature <view:feature>', 'a feature (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlag & { entity: string[]; service?: string; feature?: string[] }) => {
      const entity: Record<string, string> = {};
      for (const kv of flags.entity) {
        const at = kv.indexOf('=');
        const { UsageError } = await import('../../core/errors.js');
        if (at <= 0) throw new UsageError(`--entity must be KEY=VALUE, got ${kv}`, { field: '--entity' });
        entity[kv.slice(0, at)] = kv.slice(at + 1);
      }
      const res = await withKiln((kiln) => kiln.features.online({ service: flags.service, features: flags.feature, entities: [entity] }));
      if (flags.json) return printJson(ctx.io, res);
      const row = res.results[0];
      ctx.io.out(renderTable(['feature', 'status', 'value', 'event time'], res.features.map((f) => [f, row[f].status, row[f].value, row[f].eventTime === null ? '' : new Date(row[f].eventTime).toISOString()])));
    });
}

function renderPlan(plan: FeaturePlan): string {
  const lines: string[] = [];
  for (const [kind, changes] of [['entity', plan.entities], ['featureView', plan.featureViews], ['onDemandFeatureView', plan.onDemandFeatureViews], ['featureService', plan.featureServices]] as const) {
    for (const n of changes.added) lines.push(`+ ${kind} ${n}`);
    for (const n of changes.changed) lines.push(`~ ${kind} ${n}`);
    for (const n of changes.removed) lines.push(`- ${kind} ${n}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
