/**
 * Quick A/B timing of GBDT training (not a test): trains on the bench's cached data and prints wall
 * time, process CPU time (steadier than wall time on a shared, loaded machine), the per-phase profile
 * and a hash of the model bytes (equal hashes = identical models, e.g. across layouts or threads).
 *
 *   npx tsx bench/gbdt/train-profile.ts [rows=200000] [trees=30] [threads=1] [quantized=0]
 *
 * Needs bench/out/gbdt-data-<rows>/ from a previous `npx tsx bench/gbdt/run.ts --rows <rows>`.
 */
import { trainGbdt } from '../../src/ml/gbdt/fit-gbdt.js';
import { GbdtProfile } from '../../src/ml/gbdt/gbdt-profile.js';
import { loadCachedTrainData, stringHash } from './cached-train-data.js';

const rows = process.argv[2] ?? '200000';
const trees = Number(process.argv[3] ?? 30);
const threads = Number(process.argv[4] ?? 1);
const quantizedGradients = process.argv[5] === '1';

const { x, y } = loadCachedTrainData(rows);
const n = x.rows;
const F = x.cols;
const profile = new GbdtProfile();
const t0 = performance.now();
const c0 = process.cpuUsage();
const { result } = await trainGbdt(x, y, { params: { objective: 'binary', numTrees: trees, numThreads: threads, evalTrain: false, quantizedGradients }, seed: 0 }, profile);
const cpu = process.cpuUsage(c0);
const ms = Object.fromEntries(Object.entries(profile.ms).map(([k, v]) => [k, Math.round(v)]));
console.log(`${n} x ${F}, ${trees} trees, ${threads} thread(s)${quantizedGradients ? ', quantized' : ''}: wall ${(performance.now() - t0).toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, phases ${JSON.stringify(ms)}, model hash ${stringHash(JSON.stringify(result.state))}`);
