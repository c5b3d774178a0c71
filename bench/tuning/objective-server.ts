/**
 * The objective of `kiln tune` as a line protocol, so that Optuna can drive exactly Kiln's trials: one JSON
 * line in (`{"params": {...}}`), one out (`{"value": V}`), where V is the validation metric a Kiln trial
 * reports as its objective (trainModel on the same data, split, seed and fixed params as runStudy's trials).
 * Run: `npx tsx bench/tuning/objective-server.ts DATA TARGET EXCLUDE SEED FIXED_PARAMS_JSON` (used by optuna_study.py).
 */
import { createInterface } from 'node:readline';
import { readFrame } from '../../src/data/io/read-frame.js';
import { trainModel } from '../../src/ml/train/train-model.js';
import { KILN_VERSION } from '../../src/version.js';

const [data, target, exclude, seedText, fixedText] = process.argv.slice(2);
const frame = await readFrame(data);
const seed = Number(seedText);
const fixed = JSON.parse(fixedText) as Record<string, unknown>;
const lines = createInterface({ input: process.stdin });
process.stdout.write('{"ready": true}\n');
for await (const line of lines) {
  if (!line.trim()) continue;
  const { params } = JSON.parse(line) as { params: Record<string, unknown> };
  // The same options as a trial of runStudy (run-study.ts / run-trial.ts) with metric auc.
  const result = await trainModel(frame, {
    target,
    algo: 'gbdt',
    task: 'auto',
    seed,
    testFraction: 0.2,
    validFraction: 0.1,
    exclude: exclude ? exclude.split(',') : [],
    kilnVersion: KILN_VERSION,
    params: { evalTrain: false, ...fixed, evalMetric: 'auc', ...params },
  });
  process.stdout.write(`${JSON.stringify({ value: result.validMetrics?.roc_auc ?? null })}\n`);
}
