/**
 * Request-path cost of counting request outcomes (not a test): `RequestStatsRecorder.count` (nested-map lookup by
 * project, endpoint and variant, a bucket check, one increment) against two anchors in the same run — a single
 * `Map.get` plus increment (the least any per-key counter costs) and a prom-client labelled child's `inc()` (what
 * every served request already pays for `/metrics`). 3 endpoints x 2 variants, outcomes mixed; reports ns per call,
 * the ratios, and the heap growth across the timed loop (the path allocates nothing once a minute's counters
 * exist). No store write is timed: flushes run off the request path. Writes bench/out/serving/request-stats.json.
 *
 *   npx tsx bench/serving/request-stats-bench.ts [--calls 5000000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Counter, Registry } from 'prom-client';
import type { MetadataStore } from '../../src/store/metadata-store.js';
import type { RequestOutcome } from '../../src/serving/request-stats-recorder.js';
import { RequestStatsRecorder } from '../../src/serving/request-stats-recorder.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'out', 'serving');
const i = process.argv.indexOf('--calls');
const CALLS = i >= 0 ? Number(process.argv[i + 1]) : 5_000_000;
const ENDPOINTS = ['churn', 'fraud', 'price'];
const VARIANTS = ['main', 'candidate'];
const OUTCOMES: RequestOutcome[] = ['answered', 'answered', 'answered', 'client_error', 'answered', 'server_error', 'answered'];

function time(fn: (k: number) => void): { nsPerCall: number; heapGrowthBytes: number } {
  for (let k = 0; k < 200_000; k++) fn(k); // warm-up (JIT, first counters)
  global.gc?.();
  const heap = process.memoryUsage().heapUsed;
  const t = process.hrtime.bigint();
  for (let k = 0; k < CALLS; k++) fn(k);
  const ns = Number(process.hrtime.bigint() - t);
  return { nsPerCall: ns / CALLS, heapGrowthBytes: process.memoryUsage().heapUsed - heap };
}

// The recorder never touches the store outside flush, and the bench never flushes.
const recorder = new RequestStatsRecorder({ metadata: null as unknown as MetadataStore, writer: 'bench' });
const plain = new Map<string, { n: number }>(ENDPOINTS.map((e) => [e, { n: 0 }]));
const registry = new Registry();
const counter = new Counter({ name: 'bench_requests_total', help: 'bench', labelNames: ['endpoint', 'variant'], registers: [registry] });
const children = ENDPOINTS.flatMap((e) => VARIANTS.map((v) => counter.labels(e, v)));

const results: Record<string, { nsPerCall: number; heapGrowthBytes: number }> = {};
for (let round = 0; round < 2; round++) {
  results[`mapGet${round}`] = time((k) => void (plain.get(ENDPOINTS[k % 3]) as { n: number }).n++);
  results[`promInc${round}`] = time((k) => children[k % 6].inc());
  results[`recorder${round}`] = time((k) => recorder.count('default', ENDPOINTS[k % 3], VARIANTS[k & 1], OUTCOMES[k % 7]));
}
const best = (name: string): number => Math.min(results[`${name}0`].nsPerCall, results[`${name}1`].nsPerCall);
const result = {
  calls: CALLS,
  nsPerCall: { mapGet: best('mapGet'), promInc: best('promInc'), recorder: best('recorder') },
  recorderVsMapGet: best('recorder') / best('mapGet'),
  recorderVsPromInc: best('recorder') / best('promInc'),
  recorderHeapGrowthBytes: Math.max(results.recorder0.heapGrowthBytes, results.recorder1.heapGrowthBytes),
  loadAverage: (await import('node:os')).loadavg(),
};
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'request-stats.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
