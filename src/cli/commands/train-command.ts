/**
 * `kiln train`: train a model on a file or dataset version and write its bundle.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { TaskRequest } from '../../ml/train/target.js';
import { KILN_VERSION } from '../../version.js';
import type { CliContext } from '../main.js';
import { checkOutputs } from '../output-guard.js';
import { printJson, renderTable } from '../output.js';
import { createProgress } from '../progress.js';
import { addReadOptions, readOptionsFrom } from '../read-options.js';
import type { RawReadFlags } from '../read-options.js';
import { resolveSource, withLazyKiln } from '../with-kiln.js';

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
  json?: boolean;
}

const TASKS = ['auto', 'binary', 'multiclass', 'regression', 'ranking'];

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
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: TrainFlags) => {
    const { io } = ctx;
    if (!TASKS.includes(flags.task)) throw new UsageError(`--task must be one of ${TASKS.join(', ')} (got "${flags.task}")`, { field: 'task' });
    const params = parseParams(flags.params);
    const seed = parseNumber('seed', flags.seed, true);
    const readOptions = readOptionsFrom(flags);
    const { readFrame } = await import('../../data/io/read-frame.js');
    const { trainModel } = await import('../../ml/train/train-model.js');
    const { stringifyBundle } = await import('../../runtime/bundle.js');
    const { writeFileAtomic } = await import('../../data/io/temp-space.js');
    const progress = createProgress(io, 'training', 'iterations');
    const result = await withLazyKiln(async (kiln) => {
      const resolved = await resolveSource(kiln, flags.data, readOptions);
      await checkOutputs([resolved.path], [{ path: flags.out, flag: '--out' }]);
      const frame = await readFrame(resolved.path, resolved.readOptions);
      return trainModel(frame, {
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
        ...(resolved.dataset ? { dataHash: resolved.dataset.hash } : {}),
        kilnVersion: KILN_VERSION,
        onIteration: (it) => progress.update(it + 1),
      });
    }).finally(() => progress.stop());
    const out = resolve(flags.out);
    await writeFileAtomic(out, stringifyBundle(result.bundle));
    if (flags.json) {
      return printJson(io, {
        task: result.task,
        algo: result.algo,
        metrics: result.metrics,
        model: out,
        bestIteration: result.bestIteration ?? null,
        rows: result.rows,
        features: result.features.length,
        ...(result.cv ? { cv: result.cv } : {}),
        warnings: result.warnings,
        checksum: result.bundle.checksum,
      });
    }
    for (const w of result.warnings) io.err(`warning: ${w}\n`);
    io.out(`trained ${result.algo} (${result.task}) on ${result.rows.train} rows (${result.rows.valid} validation, ${result.rows.test} test), ${result.features.length} features`);
    io.out(result.bestIteration !== undefined ? `, best iteration ${result.bestIteration}\n\n` : '\n\n');
    io.out(renderTable(['metric (test split)', 'value'], Object.entries(result.metrics).map(([k, v]) => [k, v])));
    if (result.cv) {
      io.out(`\n${result.cv.folds.length}-fold cross-validation on the training rows:\n`);
      io.out(renderTable(['metric', 'mean', 'std'], Object.keys(result.cv.mean).map((k) => [k, result.cv?.mean[k], result.cv?.std[k]])));
    }
    io.out(`\nmodel written to ${out}\n`);
  });
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
