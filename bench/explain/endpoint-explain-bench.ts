/**
 * Benchmark (not a test) for issue #15 point 4: latency of `POST /v1/endpoints/{name}/explain` (exact
 * TreeSHAP of the endpoint's model) next to `predict` on the same endpoint, in `kiln server` on a temp
 * store. A 100-tree GBDT on 10 numeric + 2 categorical synthetic inputs; sequential requests of 1 and of 10
 * instances over keep-alive HTTP; reports p50/p99 per kind. The stated budget: one-row explain p99 < 10 ms.
 *
 *   npx tsx bench/explain/endpoint-explain-bench.ts [--requests 1000]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { openKiln } from '../../src/kiln.js';
import { createApp } from '../../src/server/create-app.js';

const idx = process.argv.indexOf('--requests');
const REQUESTS = idx > 0 ? Number(process.argv[idx + 1]) : 1000;
const home = mkdtempSync(join(tmpdir(), 'kiln-bench-explain-endpoint-'));

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const rng = new Rng(3);
const cols = [...Array.from({ length: 10 }, (_, i) => `x${i}`), 'c0', 'c1'];
const lines = [`${cols.join(',')},label`];
const rows: Record<string, unknown>[] = [];
for (let i = 0; i < 20_000; i++) {
  const x = Array.from({ length: 10 }, () => rng.next() * 2 - 1);
  const c0 = ['a', 'b', 'c'][Math.floor(rng.next() * 3)];
  const c1 = ['u', 'v'][Math.floor(rng.next() * 2)];
  const y = x[0] + 0.5 * x[1] * x[2] + (c0 === 'a' ? 0.4 : 0) + 0.3 * (rng.next() - 0.5) > 0 ? 'yes' : 'no';
  lines.push(`${x.map((v) => v.toFixed(5)).join(',')},${c0},${c1},${y}`);
  if (i < 100) rows.push({ ...Object.fromEntries(x.map((v, j) => [`x${j}`, v])), c0, c1 });
}
writeFileSync(join(home, 'train.csv'), `${lines.join('\n')}\n`);

const kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
const trained = await kiln.training.train({ data: { file: join(home, 'train.csv') }, target: 'label', params: { numTrees: 100 }, seed: 1 });
await kiln.endpoints.create({ name: 'bench', model: `trained:${trained.model.id}` });
// The control plane's per-caller rate limit (1,200/min) would throttle a closed-loop bench.
const app = await createApp(kiln, { logger: false, auth: { mode: 'off', requestsPerMinute: 1_000_000 } });
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/v1/endpoints/bench`;

async function time(kind: 'predict' | 'explain', size: number): Promise<{ p50Ms: number; p99Ms: number }> {
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS + 50; i++) {
    const body = JSON.stringify({ instances: Array.from({ length: size }, (_, k) => rows[(i + k) % rows.length]) });
    const t0 = performance.now();
    const res = await fetch(`${base}/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${kind} answered ${res.status}`);
    if (i >= 50) ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50Ms: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99) };
}

try {
  // The router learns the new endpoint on its first poll.
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${base}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [rows[0]] }) });
    await r.arrayBuffer();
    if (r.status === 200) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const result: Record<string, { p50Ms: number; p99Ms: number }> = {};
  for (const size of [1, 10]) for (const kind of ['predict', 'explain'] as const) result[`${kind} x${size}`] = await time(kind, size);
  for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(12)} p50 ${v.p50Ms.toFixed(2)} ms  p99 ${v.p99Ms.toFixed(2)} ms`);
  const budget = result['explain x1'].p99Ms < 10;
  console.log(`budget (one-row explain p99 < 10 ms): ${budget ? 'met' : 'NOT met'}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await app.close();
  await kiln.close();
  rmSync(home, { recursive: true, force: true });
}
