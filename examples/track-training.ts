/**
 * Tracking your own training code with the in-process SDK. Run from the repository root:
 *
 *   npx tsx examples/track-training.ts
 *
 * It fits a tiny logistic regression by gradient descent on synthetic data (seeded), logging params, the
 * loss curve (one batched call) and a final metric into a run of the `examples` experiment, then searches
 * and compares runs. `withRun` ends the run as finished, or as failed if the function throws.
 * KILN_HOME (default .kiln) decides where the metadata and artifacts go; see them with `kiln runs list`.
 */
import { openKiln } from '../src/index.js';

/** A small deterministic generator (mulberry32), so the example prints the same numbers every time. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kiln = await openKiln();
try {
  for (const learningRate of [0.05, 0.5]) {
    const runId = await kiln.tracking.withRun({ experiment: 'examples', seed: 7, params: { model: 'logistic', learningRate } }, async (run) => {
      const rand = rng(7);
      const xs = Array.from({ length: 500 }, () => rand() * 4 - 2);
      const ys = xs.map((x) => (rand() < 1 / (1 + Math.exp(-2 * x)) ? 1 : 0));
      let w = 0;
      let b = 0;
      const curve: { key: string; value: number; step: number }[] = [];
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
        curve.push({ key: 'train.log_loss', value: loss / xs.length, step });
      }
      await run.logMetrics(curve); // one transaction for the whole curve
      await run.logMetric('weight', w);
      await run.setTags({ purpose: 'example' });
      await run.logArtifact('weights.json', Buffer.from(JSON.stringify({ w, b })));
      return run.id;
    });
    console.log(`run ${runId}: learningRate ${learningRate}`);
  }
  const best = await kiln.tracking.searchRuns({ experiments: ['examples'], filter: 'params.model = "logistic"', orderBy: 'metrics.train.log_loss asc', page: { limit: 2 } });
  for (const r of best.items) console.log(`${r.id}  lr=${r.params.learningRate}  final loss ${r.metrics['train.log_loss'].toFixed(4)}`);
  if (best.items.length === 2) {
    const cmp = await kiln.tracking.compareRuns(best.items.map((r) => r.id));
    console.log('differing params:', cmp.params.filter((p) => p.differs).map((p) => p.key).join(', '));
  }
} finally {
  await kiln.close();
}
