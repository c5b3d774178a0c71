/**
 * A/B of GBDT training as `kiln train` runs it: binary, per-round training metrics on (evalTrain, logloss
 * and auc), 31 leaves, lr 0.1, on the bench's cached data. Runs the current `trainGbdt` and, when
 * KILN_GBDT_BASELINE names another commit's src/ tree, that one's, alternated REPS times (default 3) in one
 * process so that both see the same load. Prints wall and process CPU time (worker threads included), the
 * profile's metrics phase, a hash of the model bytes and of the training curve (equal = identical), then the
 * 1-minute load and, on the final scores, the per-call cost of each metric alone.
 *
 *   git archive BASE src | tar -x -C bench/out/baseline
 *   KILN_GBDT_BASELINE=../out/baseline/src npx tsx bench/gbdt/train-ab.ts [rows=250000] [trees=100] [threads=2]
 *
 * Needs bench/out/gbdt-data-<rows>/ from a previous `npx tsx bench/gbdt/run.ts --rows <rows>`.
 */
import { loadavg } from 'node:os';
import * as NEW from '../../src/ml/gbdt/fit-gbdt.js';
import { BucketedAuc, auc } from '../../src/ml/gbdt/auc-metric.js';
import { evaluateMetric } from '../../src/ml/gbdt/eval-metrics.js';
import { GbdtProfile } from '../../src/ml/gbdt/gbdt-profile.js';
import { loadCachedTrainData, stringHash } from './cached-train-data.js';

const rows = process.argv[2] ?? '250000';
const trees = Number(process.argv[3] ?? 100);
const threads = Number(process.argv[4] ?? 2);
const reps = Number(process.env.REPS ?? 3);
const base = process.env.KILN_GBDT_BASELINE;
const OLD = base ? ((await import(`${base}/ml/gbdt/fit-gbdt.js`)) as typeof NEW) : null;

const { x, y } = loadCachedTrainData(rows);
const n = x.rows;
const F = x.cols;
const params = { objective: 'binary' as const, numTrees: trees, maxLeaves: 31, maxBins: 255, learningRate: 0.1, numThreads: threads, evalTrain: true };
const impls: Array<[string, typeof NEW]> = OLD ? [['baseline', OLD], ['new', NEW]] : [['new', NEW]];
let scores: Float64Array = new Float64Array(0);
console.log(`${n} x ${F}, ${trees} trees, ${threads} thread(s), evalTrain on; load ${loadavg()[0].toFixed(2)}`);
for (let r = 0; r < reps; r++) {
  for (const [name, impl] of impls) {
    const profile = new GbdtProfile();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const out = await impl.trainGbdt(x, y, { params, seed: 0 }, profile);
    const cpu = process.cpuUsage(c0);
    scores = out.trainScores;
    const h = out.result.history.train;
    console.log(`${name.padEnd(8)} wall ${(performance.now() - t0).toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, metrics ${profile.ms.metrics.toFixed(0)} ms, model hash ${stringHash(JSON.stringify(out.result.state))}, curve hash ${stringHash(JSON.stringify(h))}, last auc ${h.auc.at(-1)}`);
  }
}
console.log(`load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
// Each metric alone on the final training scores (20 calls each).
const target = { y, outputs: 1, queryStart: undefined };
const bucketed = new BucketedAuc(y);
const per = (f: () => number): string => {
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) f();
  return ((performance.now() - t0) / 20).toFixed(2);
};
console.log(`per call on ${n} scores: logloss ${per(() => evaluateMetric('logloss', scores, target))} ms, auc (sort) ${per(() => auc(scores, y))} ms, BucketedAuc ${per(() => bucketed.value(scores))} ms`);
