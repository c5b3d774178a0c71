/**
 * `kiln tune`: a hyper-parameter study through `runStudy` (src/training/tuning). Every trial is a child run
 * of the study's run; `--study NAME` (or `--resume ID`) continues a study after a crash or a kill. A live
 * progress line goes to stderr; `--json` prints one document on stdout.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { KilnError, NotFoundError, UsageError } from '../../core/errors.js';
import { parseDatasetRef } from '../../data/datasets/data-ref.js';
import type { TaskRequest } from '../../ml/train/target.js';
import type { StudyInfo, StudyProgress, StudyRequest, StudyResult } from '../../training/tuning/study-types.js';
import type { TrainingData } from '../../training/train-request.js';
import { studyJson } from '../../training/tuning/tune-job-result.js';
import type { JsonValue } from '../../store/job-repository.js';
import { cliProject } from '../cli-project.js';
import type { CliContext } from '../main.js';
import type { CliIo } from '../output.js';
import { formatCell, printJson, renderTable } from '../output.js';
import { checkOutputs } from '../output-guard.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';
import type { RawReadFlags } from '../read-options.js';
import { withKiln } from '../with-kiln.js';

interface TuneFlags extends RawReadFlags {
  data?: string;
  target?: string;
  algo?: string;
  task?: string;
  space?: string;
  params?: string;
  trials?: string;
  sampler?: string;
  pruner?: string;
  parallel?: string;
  metric?: string;
  timeout?: string;
  seed?: string;
  experiment?: string;
  study?: string;
  resume?: string;
  out: string;
  exclude?: string;
  positiveClass?: string;
  validFrac?: string;
  testFrac?: string;
  json?: boolean;
  quiet?: boolean;
  async?: boolean;
  distributed?: boolean;
}

/** Request fields and the flags that set them. */
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  dataset: '--data',
  file: '--data',
  target: '--target',
  algo: '--algo',
  task: '--task',
  params: '--params',
  space: '--space',
  trials: '--trials',
  sampler: '--sampler',
  pruner: '--pruner',
  parallel: '--parallel',
  metric: '--metric',
  timeout: '--timeout',
  seed: '--seed',
  study: '--study',
  resume: '--resume',
  exclude: '--exclude',
  validFraction: '--valid-frac',
  testFraction: '--test-frac',
  distributed: '--distributed',
};

/** Register `kiln tune`. */
export function registerTuneCommand(program: Command, ctx: CliContext): void {
  addReadOptions(
    program
      .command('tune')
      .description('tune hyper-parameters: a study of tracked trial runs (TPE, random or grid; median or hyperband pruning), resumable')
      .option('--data <source>', 'training data: file or NAME@VERSION (a resumed study may omit it)')
      .option('--target <column>', 'column to predict')
      .option('--algo <name>', 'gbdt | logistic | linear | ridge | lasso | elasticnet (default gbdt)')
      .option('--task <task>', 'auto | binary | multiclass | regression')
      .option('--space <file>', 'search space JSON (docs/tuning.md); default: the algorithm\'s default space, printed')
      .option('--params <json>', 'fixed hyper-parameters of every trial, e.g. \'{"numTrees": 300}\'')
      .option('--trials <n>', 'trials in the study in total (default 20)')
      .option('--sampler <name>', 'tpe | random | grid (default tpe)')
      .option('--pruner <name>', 'median | hyperband | successive-halving | none (default median)')
      .option('--parallel <k>', 'trials at once on the local worker-thread pool (default 1)')
      .option('--metric <name>', 'validation metric to optimize: auc, logloss, rmse, mae, ... (default by task)')
      .option('--timeout <seconds>', 'start no new trial after this long')
      .option('--seed <n>', 'seed of the sampler and of every training (default 42)')
      .option('--experiment <name>', 'experiment of the study\'s runs', 'default')
      .option('--study <name>', 'study name: continued when it exists, created otherwise')
      .option('--resume <id>', 'continue the study with this id')
      .option('--out <file>', 'where to write the best model\'s bundle', 'model.kiln.json')
      .option('--exclude <columns>', 'comma-separated columns to leave out of the features')
      .option('--positive-class <label>', 'binary: the class whose probability is reported')
      .option('--valid-frac <f>', 'fraction of training rows the objective is measured on (default 0.1)')
      .option('--test-frac <f>', 'fraction held out for the final test metrics (default 0.2)')
      .option('--quiet', 'no progress line')
      .option('--async', 'submit the study as a background job and print its id (a `kiln server` or `kiln worker` runs it)')
      .option('--distributed', 'with --async: run the trials as tune-trial jobs spread over every worker (--parallel of them at once)')
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: TuneFlags, command: Command) => {
    const { io } = ctx;
    if (flags.data === undefined && flags.resume === undefined && flags.study === undefined) throw new UsageError('--data is required (or --study / --resume to continue a study)', { field: 'dataset' });
    if (flags.data === undefined && flags.target === undefined && flags.resume === undefined && flags.study === undefined) throw new UsageError('--target is required', { field: 'target' });
    const outGiven = command.getOptionValueSource('out') === 'cli';
    if (flags.data !== undefined && parseDatasetRef(flags.data) === null && (outGiven || !flags.async)) await checkOutputs([flags.data], [{ path: flags.out, flag: '--out' }]);
    const space = flags.space !== undefined ? await readSpace(flags.space) : undefined;
    const request = {
      ...(flags.data !== undefined ? { data: await studyData(flags.data, flags) } : {}),
      ...(flags.target !== undefined ? { target: flags.target } : {}),
      ...(flags.algo !== undefined ? { algo: flags.algo } : {}),
      ...(flags.task !== undefined ? { task: flags.task as TaskRequest } : {}),
      ...(space !== undefined ? { space } : {}),
      ...(flags.params !== undefined ? { params: parseJsonObject('--params', flags.params) } : {}),
      ...(flags.trials !== undefined ? { trials: parseNumber('trials', flags.trials, true) } : {}),
      ...(flags.sampler !== undefined ? { sampler: flags.sampler } : {}),
      ...(flags.pruner !== undefined ? { pruner: flags.pruner } : {}),
      ...(flags.parallel !== undefined ? { parallel: parseNumber('parallel', flags.parallel, true) } : {}),
      ...(flags.metric !== undefined ? { metric: flags.metric } : {}),
      ...(flags.timeout !== undefined ? { timeoutSeconds: parseNumber('timeout', flags.timeout) } : {}),
      ...(flags.seed !== undefined ? { seed: parseNumber('seed', flags.seed, true) } : {}),
      ...(flags.experiment !== undefined ? { experiment: flags.experiment } : {}),
      ...(flags.study !== undefined ? { study: flags.study } : {}),
      ...(flags.resume !== undefined ? { resume: flags.resume } : {}),
      ...(flags.exclude !== undefined ? { exclude: flags.exclude.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      ...(flags.positiveClass !== undefined ? { positiveClass: flags.positiveClass } : {}),
      ...(flags.validFrac !== undefined ? { validFraction: parseNumber('valid-frac', flags.validFrac) } : {}),
      ...(flags.testFrac !== undefined ? { testFraction: parseNumber('test-frac', flags.testFrac) } : {}),
      out: flags.out,
    };
    if (flags.distributed && !flags.async) throw new UsageError('--distributed needs --async: the study runs as a job whose trials are jobs on any worker', { field: 'distributed' });
    if (flags.async) return submitTuneJob(ctx, { ...request, ...(flags.distributed ? { distributed: true } : {}) }, outGiven, Boolean(flags.json));
    const line = flags.quiet ? null : progressLine(io);
    // Ctrl-C / SIGTERM: trials in flight end as killed and the study stays resumable.
    const controller = new AbortController();
    const onSignal = (): void => controller.abort(new UsageError('the study was interrupted; continue it with the same command or --resume', { field: 'study' }));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let result: StudyResult;
    try {
      result = await withKiln(async (kiln) => {
        const { runStudy } = await import('../../training/tuning/run-study.js');
        return runStudy(kiln, request, {
          signal: controller.signal,
          onStart: (info) => announce(io, info, Boolean(flags.json)),
          onProgress: (p) => line?.update(p),
        });
      });
    } catch (err) {
      throw withFlagNames(err);
    } finally {
      line?.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (flags.json) return printJson(io, studyJson(result));
    printHuman(io, result);
  });
}

/** `--async`: the same request as a `tune` job; a file and `--out` (only when given) as absolute paths. */
async function submitTuneJob(ctx: CliContext, request: StudyRequest & { out: string; distributed?: boolean }, outGiven: boolean, json: boolean): Promise<void> {
  const { data, out, ...rest } = request;
  const readOptions = data !== undefined && 'file' in data ? data.readOptions : undefined;
  const payload = {
    ...rest,
    ...(data !== undefined && 'dataset' in data ? { dataset: data.dataset } : {}),
    ...(data !== undefined && 'file' in data ? { file: resolve(data.file), ...(readOptions && Object.keys(readOptions).length > 0 ? { readOptions } : {}) } : {}),
    ...(outGiven ? { out: resolve(out) } : {}),
  };
  const { job, mode } = await withKiln(async (kiln) => {
    const { submitStudy } = await import('../../training/tuning/study-jobs.js');
    // Checked completely before anything is written (as POST /v1/studies does): a typo is exit 2 now, not a failed job.
    const doc = JSON.parse(JSON.stringify(payload)) as JsonValue;
    const project = cliProject() ?? 'default';
    return { job: await submitStudy({ jobs: kiln.jobs, tracking: kiln.tracking.inProject(project), project }, doc), mode: kiln.jobs.mode };
  }).catch((err: unknown) => {
    throw withFlagNames(err);
  });
  if (json) return printJson(ctx.io, { job });
  ctx.io.out(`submitted job ${job.id} (tune, ${job.status})\n`);
  ctx.io.out(mode === 'embedded' ? 'a running `kiln server` or `kiln worker` on this metadata store runs it.\n' : 'a `kiln worker` on the Redis queue (KILN_REDIS_URL) runs it.\n');
  ctx.io.out(`follow it: kiln jobs logs ${job.id} --follow   cancel it: kiln jobs cancel ${job.id}\n`);
}

function announce(io: CliIo, info: StudyInfo, json: boolean): void {
  const say = (s: string): void => (json ? io.err(s) : io.out(s));
  if (info.resumed) say(`resuming study ${info.name} (${info.studyId}): ${info.previousTrials} trials ended before${info.killedTrials ? `, ${info.killedTrials} left running by a stopped process marked killed and asked again` : ''}\n`);
  else say(`study ${info.name} (${info.studyId}) in experiment ${info.experiment}\n`);
  say(`${info.total} trials, ${info.parallel} at a time; sampler ${info.sampler}, pruner ${info.pruner}; ${info.direction} validation ${info.metric} (${info.task}), seed ${info.seed}\n`);
  if (info.defaultSpace) say(`search space (the default for this algorithm; pass --space to change it):\n${JSON.stringify(info.space, null, 2)}\n`);
}

/** A progress line on stderr: rewritten in place on a terminal, one line per ended trial otherwise. */
function progressLine(io: CliIo): { update(p: StudyProgress): void; stop(): void } {
  let drawn = false;
  return {
    update(p) {
      const last = p.last;
      const what = last.state === 'complete' ? `${formatCell(last.value)}` : last.state === 'pruned' ? `pruned at iteration ${last.prunedAt}` : `failed: ${last.error ?? ''}`;
      const best = p.best ? `best ${formatCell(p.best.value)} (trial ${p.best.number})` : 'best -';
      const text = `trial ${p.done}/${p.total} · #${last.number} ${what} · ${best} · ${p.running} running`;
      if (io.isTty) {
        io.err(`\r\x1b[2K${text.slice(0, (process.stderr.columns || 120) - 1)}`);
        drawn = true;
      } else io.err(`${text}\n`);
    },
    stop() {
      if (drawn) io.err('\n');
    },
  };
}

function printHuman(io: CliIo, r: StudyResult): void {
  const counts = { complete: 0, pruned: 0, failed: 0, running: 0 };
  for (const t of r.trials) counts[t.state]++;
  io.out(`\n${r.trials.length} trials (${counts.complete} complete, ${counts.pruned} pruned, ${counts.failed} failed); stopped: ${r.study.stopReason}\n\n`);
  const sign = r.study.direction === 'maximize' ? -1 : 1;
  const ranked = r.trials.filter((t) => t.state === 'complete').sort((a, b) => sign * ((a.value as number) - (b.value as number)) || a.number - b.number);
  const names = Object.keys(r.study.space);
  io.out(renderTable(['trial', 'run', `valid ${r.study.metric}`, ...names], ranked.slice(0, 10).map((t) => [t.number, t.runId.slice(0, 12), t.value, ...names.map((n) => t.params[n])])));
  if (r.best) {
    io.out(`\nbest: trial ${r.best.number}, valid ${r.study.metric} ${formatCell(r.best.value)} (run ${r.best.runId})\n`);
    io.out(`${JSON.stringify(r.best.params)}\n`);
  }
  io.out('\nparameter importance (share of the objective\'s variance each explains alone; docs/tuning.md):\n');
  io.out(renderTable(['parameter', 'importance'], Object.entries(r.importance).sort((a, b) => b[1] - a[1])));
  if (r.model) io.out(`\nbest model written to ${r.model}${r.modelId ? ` (trained model ${r.modelId})` : ''}\n`);
  const top = ranked.slice(0, 3).map((t) => t.runId);
  io.out(`study ${r.study.name}: kiln runs show ${r.study.runId}${top.length >= 2 ? `; compare the best: kiln runs compare ${top.join(' ')}` : ''}\n`);
}

/** Speak in flags: a message that starts with the request field's name starts with its flag instead. */
function withFlagNames(err: unknown): unknown {
  if (!(err instanceof KilnError)) return err;
  const field = err.details.field;
  const flag = typeof field === 'string' && Object.hasOwn(FIELD_FLAGS, field) ? FIELD_FLAGS[field] : undefined;
  if (flag && (err.message.startsWith(`${field} `) || err.message.startsWith(`${field}:`))) err.message = `${flag}${err.message.slice((field as string).length)}`;
  return err;
}

async function readSpace(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new NotFoundError(`--space: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { field: 'space', file: path }, 'Pass a JSON file with the search space (docs/tuning.md).');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`--space: ${path} is not valid JSON: ${(err as Error).message}`, { field: 'space', file: path }, 'See docs/tuning.md for the format.');
  }
}

async function studyData(data: string, flags: RawReadFlags): Promise<TrainingData> {
  if ((await stat(data).catch(() => null))?.isFile()) return { file: data, readOptions: readOptionsFrom(flags) };
  if (parseDatasetRef(data)) return { dataset: data };
  throw new NotFoundError(`no such file: ${data}`, { field: 'dataset', file: data }, 'Pass an existing CSV/Parquet/JSON file or a registered dataset as NAME@VERSION (see `kiln data list`).');
}

function parseJsonObject(flag: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON: ${(err as Error).message}`, { field: 'params' });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${flag} must be a JSON object`, { field: 'params' });
  return parsed as Record<string, unknown>;
}

function parseNumber(name: string, text: string, integer = false): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} (got "${text}")`, { field: name });
  }
  return v;
}
