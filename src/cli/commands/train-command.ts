/**
 * `kiln train`: train a model on a file or dataset version through `kiln.training` (which stores and
 * records it) and write a copy of its bundle to `--out`. Errors name request fields; `withFlagNames`
 * turns them into this command's flags.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { KilnError, NotFoundError, UsageError } from '../../core/errors.js';
import { parseDatasetRef } from '../../data/datasets/data-ref.js';
import type { ReadOptions } from '../../data/io/read-options.js';
import type { TaskRequest } from '../../ml/train/target.js';
import { recordTraining } from '../../tracking/record-training.js';
import type { TrainingData } from '../../training/train-request.js';
import type { JsonValue } from '../../store/job-repository.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { createProgress } from '../progress.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';
import type { RawReadFlags } from '../read-options.js';
import { checkOutputs } from '../output-guard.js';
import { cliProject } from '../cli-project.js';
import { withKiln } from '../with-kiln.js';

interface TrainFlags extends RawReadFlags {
  data: string;
  target: string;
  algo: string;
  task: string;
  params?: string;
  validFrac?: string;
  testFrac?: string;
  cv?: string;
  seed: string;
  out: string;
  group?: string;
  exclude?: string;
  positiveClass?: string;
  experiment: string;
  async?: boolean;
  json?: boolean;
}

/** Register `kiln train`. */
export function registerTrainCommand(program: Command, ctx: CliContext): void {
  addReadOptions(
    program
      .command('train')
      .description('train a model (default: gradient-boosted trees with early stopping) and write its bundle')
      .requiredOption('--data <source>', 'training data: file or NAME@VERSION')
      .requiredOption('--target <column>', 'column to predict')
      .option('--algo <name>', 'gbdt | linear | ridge | lasso | elasticnet | logistic', 'gbdt')
      .option('--task <task>', 'auto | binary | multiclass | regression | ranking', 'auto')
      .option('--params <json>', 'hyper-parameters as a JSON object, e.g. \'{"numTrees":300}\'')
      .option('--valid-frac <f>', 'fraction of training rows for early stopping (default 0.1 for gbdt)')
      .option('--test-frac <f>', 'fraction held out for evaluation (default 0.2)')
      .option('--cv <k>', 'also run k-fold cross-validation on the training rows')
      .option('--seed <n>', 'random seed', '42')
      .option('--group <column>', 'ranking: query id column')
      .option('--exclude <columns>', 'comma-separated columns to leave out of the features')
      .option('--positive-class <label>', 'binary: the class whose probability is reported')
      .option('--out <file>', 'where to write the model bundle', 'model.kiln.json')
      .option('--experiment <name>', 'experiment of the tracked run this training records', 'default')
      .option('--async', 'submit the training as a background job and print its id (a `kiln server` or `kiln worker` runs it)')
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: TrainFlags, command: Command) => {
    const { io } = ctx;
    if (flags.async) return submitTrainJob(ctx, flags, command.getOptionValueSource('out') === 'cli');
    // Same guard as every other command: --out may not name the input file (real paths, links included).
    if (parseDatasetRef(flags.data) === null) await checkOutputs([flags.data], [{ path: flags.out, flag: '--out' }]);
    const progress = createProgress(io, 'training', 'iterations');
    const seed = parseNumber('seed', flags.seed, true);
    const params = parseParams(flags.params);
    // Every training is a tracked run: failed when training throws (withRun), finished once recorded.
    const { outcome, runId } = await withKiln((kiln) =>
      kiln.tracking.withRun({ experiment: flags.experiment, seed }, async (run) => {
        const trained = await kiln.training.train(
        {
          data: await trainingData(flags.data, readOptionsFrom(flags)),
          target: flags.target,
          algo: flags.algo,
          task: flags.task as TaskRequest,
          params,
          seed,
          ...(flags.validFrac !== undefined ? { validFraction: parseNumber('valid-frac', flags.validFrac) } : {}),
          ...(flags.testFrac !== undefined ? { testFraction: parseNumber('test-frac', flags.testFrac) } : {}),
          ...(flags.cv !== undefined ? { cv: parseNumber('cv', flags.cv, true) } : {}),
          ...(flags.group ? { group: flags.group } : {}),
          ...(flags.exclude ? { exclude: flags.exclude.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
          ...(flags.positiveClass !== undefined ? { positiveClass: flags.positiveClass } : {}),
          out: flags.out,
        },
        { onIteration: (it) => progress.update(it + 1) },
        );
        const stored = await kiln.artifacts.stat(trained.model.artifactHash);
        await recordTraining(run, {
          algo: trained.algo,
          task: trained.task,
          target: flags.target,
          seed,
          params,
          metrics: trained.metrics,
          bestIteration: trained.bestIteration ?? undefined,
          history: trained.history,
          rows: trained.rows,
          dataset: trained.model.dataset ?? undefined,
          bundle: { path: basename(trained.out ?? resolve(flags.out)), hash: trained.model.artifactHash, size: stored?.size ?? 0 },
          modelId: trained.model.id,
          featureLineage: trained.featureLineage,
        });
        return { outcome: trained, runId: run.id };
      }),
    )
      .catch((err: unknown) => {
        throw withFlagNames(err);
      })
      .finally(() => progress.stop());
    const out = outcome.out ?? resolve(flags.out);
    if (flags.json) {
      return printJson(io, {
        task: outcome.task,
        algo: outcome.algo,
        metrics: outcome.metrics,
        model: out,
        id: outcome.model.id,
        artifact: outcome.model.artifactHash,
        bestIteration: outcome.bestIteration,
        rows: outcome.rows,
        features: outcome.features.length,
        ...(outcome.cv ? { cv: outcome.cv } : {}),
        warnings: outcome.warnings,
        checksum: outcome.checksum,
        runId,
      });
    }
    for (const w of outcome.warnings) io.err(`warning: ${w}\n`);
    io.out(`trained ${outcome.algo} (${outcome.task}) on ${outcome.rows.train} rows (${outcome.rows.valid} validation, ${outcome.rows.test} test), ${outcome.features.length} features`);
    io.out(outcome.bestIteration !== null ? `, best iteration ${outcome.bestIteration}\n\n` : '\n\n');
    io.out(renderTable(['metric (test split)', 'value'], Object.entries(outcome.metrics).map(([k, v]) => [k, v])));
    const cv = outcome.cv;
    if (cv) {
      io.out(`\n${cv.folds.length}-fold cross-validation on the training rows:\n`);
      io.out(renderTable(['metric', 'mean', 'std'], Object.keys(cv.mean).map((k) => [k, cv.mean[k], cv.std[k]])));
    }
    io.out(`\nmodel written to ${out}\nrecorded as trained model ${outcome.model.id} (artifact ${outcome.model.artifactHash})\ntracked as run ${runId} (kiln runs show ${runId})\n`);
  });
}

/** `--async`: the same request as a `train` job; the file and `--out` (only when given) as absolute paths. */
async function submitTrainJob(ctx: CliContext, flags: TrainFlags, outGiven: boolean): Promise<void> {
  const isDataset = parseDatasetRef(flags.data) !== null && !(await isFile(flags.data));
  if (!isDataset) {
    if (!(await isFile(flags.data))) throw withFlagNames(new NotFoundError(`no such file: ${flags.data}`, { field: 'dataset', file: flags.data }, 'Pass an existing CSV/Parquet/JSON file or a registered dataset as NAME@VERSION (see `kiln data list`).'));
    if (outGiven) await checkOutputs([flags.data], [{ path: flags.out, flag: '--out' }]);
  }
  const readOptions = readOptionsFrom(flags);
  const payload = {
    ...(isDataset ? { dataset: flags.data } : { file: resolve(flags.data), ...(Object.keys(readOptions).length > 0 ? { readOptions } : {}) }),
    target: flags.target,
    algo: flags.algo,
    task: flags.task,
    params: parseParams(flags.params),
    seed: parseNumber('seed', flags.seed, true),
    ...(flags.validFrac !== undefined ? { validFraction: parseNumber('valid-frac', flags.validFrac) } : {}),
    ...(flags.testFrac !== undefined ? { testFraction: parseNumber('test-frac', flags.testFrac) } : {}),
    ...(flags.cv !== undefined ? { cv: parseNumber('cv', flags.cv, true) } : {}),
    ...(flags.group ? { group: flags.group } : {}),
    ...(flags.exclude ? { exclude: flags.exclude.split(',').map((c) => c.trim()).filter(Boolean) } : {}),
    ...(flags.positiveClass !== undefined ? { positiveClass: flags.positiveClass } : {}),
    ...(outGiven ? { out: resolve(flags.out) } : {}),
    experiment: flags.experiment,
  };
  const { job, mode } = await withKiln(async (kiln) => {
    const { parseTrainJobPayload } = await import('../../training/train-job.js');
    // The worker checks it again; checking here turns a typo into exit 2 now instead of a failed job later.
    const json = JSON.parse(JSON.stringify(payload)) as JsonValue;
    parseTrainJobPayload(json);
    return { job: await kiln.jobs.submit({ kind: 'train', project: cliProject() ?? 'default', payload: json }), mode: kiln.jobs.mode };
  }).catch((err: unknown) => {
    throw withFlagNames(err);
  });
  if (flags.json) return printJson(ctx.io, { job });
  ctx.io.out(`submitted job ${job.id} (train, ${job.status})\n`);
  ctx.io.out(mode === 'embedded' ? 'a running `kiln server` or `kiln worker` on this metadata store runs it.\n' : 'a `kiln worker` on the Redis queue (KILN_REDIS_URL) runs it.\n');
  ctx.io.out(`follow it: kiln jobs logs ${job.id} --follow   cancel it: kiln jobs cancel ${job.id}\n`);
}

/** Request fields and the flags that set them: the one place library field names become CLI flags. */
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  dataset: '--data',
  file: '--data',
  target: '--target',
  algo: '--algo',
  task: '--task',
  params: '--params',
  seed: '--seed',
  testFraction: '--test-frac',
  validFraction: '--valid-frac',
  cv: '--cv',
  group: '--group',
  exclude: '--exclude',
  positiveClass: '--positive-class',
  out: '--out',
};

/** Speak in flags: a message that starts with the request field's name starts with its flag instead. */
export function withFlagNames(err: unknown): unknown {
  if (!(err instanceof KilnError)) return err;
  const field = err.details.field;
  const flag = typeof field === 'string' && Object.hasOwn(FIELD_FLAGS, field) ? FIELD_FLAGS[field] : undefined;
  if (flag && (err.message.startsWith(`${field} `) || err.message.startsWith(`${field}:`))) err.message = `${flag}${err.message.slice((field as string).length)}`;
  return err;
}

/** `--data`: an existing file, else a dataset reference. */
async function trainingData(data: string, readOptions: ReadOptions): Promise<TrainingData> {
  if (await isFile(data)) return { file: data, readOptions };
  if (parseDatasetRef(data)) return { dataset: data };
  throw new NotFoundError(`no such file: ${data}`, { field: 'dataset', file: data }, 'Pass an existing CSV/Parquet/JSON file or a registered dataset as NAME@VERSION (see `kiln data list`).');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function parseParams(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--params is not valid JSON: ${(err as Error).message}`, { field: 'params' }, 'Example: --params \'{"numTrees": 300, "learningRate": 0.05}\'');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError('--params must be a JSON object', { field: 'params' });
  return parsed as Record<string, unknown>;
}

function parseNumber(name: string, text: string, integer = false): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} (got "${text}")`, { field: name });
  }
  return v;
}
