/**
 * The tracking SDK against a Kiln server (`kiln/client`): the same calls as examples/track-training.ts,
 * with `createClient` instead of `openKiln`. Start a server (it prints an admin token on its first start)
 * and run from the repository root:
 *
 *   kiln server &                       # or: npm start
 *   KILN_SERVER=http://127.0.0.1:7070 KILN_TOKEN=kiln_... npx tsx examples/client-tracking.ts
 *
 * The token needs `runs:write` and `experiments:read` (an editor token: `kiln tokens create --name ci
 * --role editor`). `logMetric` points are buffered and sent in batches; `withRun` ends the run as failed if
 * the function throws. In a browser the same code works with `import { createClient } from 'kiln/client'`.
 */
import { createClient } from '../src/client/index.js';

/** A small deterministic generator (mulberry32), so the example logs the same numbers every time. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const baseUrl = process.env.KILN_SERVER ?? 'http://127.0.0.1:7070';
const kiln = createClient({ baseUrl, token: process.env.KILN_TOKEN });
const me = await kiln.whoami();
console.log(`tracking on ${baseUrl} as ${me.actor}`);

for (const learningRate of [0.05, 0.5]) {
  const runId = await kiln.tracking.withRun({ experiment: 'examples', seed: 7, params: { model: 'logistic', learningRate } }, async (run) => {
    const rand = rng(7);
    const xs = Array.from({ length: 500 }, () => rand() * 4 - 2);
    const ys = xs.map((x) => (rand() < 1 / (1 + Math.exp(-2 * x)) ? 1 : 0));
    let w = 0;
    let b = 0;
    for (let step = 0; step < 100; step++) {
      let gw = 0;
      let gb = 0;
      let loss = 0;
      xs.forEach((x, i) => {
        const p = 1 / (1 + Math.exp(-(w * x + b)));
        gw += (p - ys[i]) * x;
        gb += p - ys[i];
        loss -= ys[i] * Math.log(p) + (1 - ys[i]) * Math.log(1 - p);
      });
      w -= (learningRate * gw) / xs.length;
      b -= (learningRate * gb) / xs.length;
      await run.logMetric('train.log_loss', loss / xs.length, step); // buffered: one request per batch
    }
    await run.logMetrics([{ key: 'weight', value: w }]);
    await run.setTags({ purpose: 'example' });
    await run.logArtifact('weights.json', new TextEncoder().encode(JSON.stringify({ w, b })));
    return run.id;
  });
  console.log(`run ${runId}: learningRate ${learningRate}`);
}

const best = await kiln.tracking.searchRuns({ experiment: 'examples', filter: 'params.model = "logistic"', orderBy: 'metrics.train.log_loss asc', limit: 2 });
for (const r of best.items) console.log(`${r.id}  lr=${r.params.learningRate}  final loss ${r.metrics['train.log_loss'].toFixed(4)}`);
