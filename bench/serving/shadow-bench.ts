/**
 * Shadow traffic benchmark (not a test): what mirroring every live request to a shadow candidate costs the
 * live answer. One Kiln inference server on a temp store, sequential single-row requests over keep-alive
 * HTTP; phases alternate plain / shadow (rate 1) / plain / shadow on the same endpoint so drift in machine
 * load hits both; reports live p50 and p99 per phase kind and the p50 difference (goal: < 1 ms). Shadow
 * scoring runs after the live answer is built, on the next turn of the event loop. Writes
 * bench/out/serving/shadow.json.
 *
 *   npx tsx bench/serving/shadow-bench.ts [--requests 2000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/core/rng.js';
import { predict, rolloutFixture, startServer, testRow } from '../../src/server/rollout-test-support.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'out', 'serving');
const i = process.argv.indexOf('--requests');
const REQUESTS = i >= 0 ? Number(process.argv[i + 1]) : 2000;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function phase(url: string, rng: Rng): Promise<number[]> {
  const ms: number[] = [];
  for (let k = 0; k < REQUESTS; k++) {
    const t = performance.now();
    const res = await predict(url, 'bench', { instances: [testRow(rng)] });
    ms.push(performance.now() - t);
    if (res.status !== 200 || res.body.variant !== 'main') throw new Error(`live answer changed: ${res.status} ${res.body.variant}`);
  }
  return ms;
}

const fx = await rolloutFixture();
await fx.kiln.endpoints.create({ name: 'bench', model: fx.a }, { allowFiles: true });
const server = await startServer(fx.kiln, 'bench');
const rng = new Rng(3);
await phase(server.url, rng); // warm-up
const plain: number[] = [];
const shadow: number[] = [];
for (let round = 0; round < 2; round++) {
  plain.push(...(await phase(server.url, rng)));
  await fx.kiln.rollouts.start('bench', { to: fx.b, strategy: 'shadow', bake: '1h' }, { allowFiles: true });
  await new Promise((r) => setTimeout(r, 500)); // routing table and rollout poll (100 ms here)
  shadow.push(...(await phase(server.url, rng)));
  await fx.kiln.rollouts.abort('bench');
  await new Promise((r) => setTimeout(r, 500));
}
const scored = server.rollouts?.routing.shadowScored ?? 0;
await server.close();
await fx.kiln.close();
plain.sort((a, b) => a - b);
shadow.sort((a, b) => a - b);
const result = {
  requestsPerPhaseKind: plain.length,
  shadowScored: scored,
  plain: { p50Ms: quantile(plain, 0.5), p99Ms: quantile(plain, 0.99) },
  shadow: { p50Ms: quantile(shadow, 0.5), p99Ms: quantile(shadow, 0.99) },
  p50DeltaMs: quantile(shadow, 0.5) - quantile(plain, 0.5),
  goal: 'p50DeltaMs < 1',
};
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'shadow.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
