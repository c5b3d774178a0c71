/**
 * Where a training set read from offline indexes spends its time: wall and process CPU per step (entities,
 * each view, the final write), on a home that `training-set-bench.ts --data DIR` left with built indexes.
 *
 *   npx tsx bench/features/pit-index-steps.ts DIR/home-17000-10-100-100 DIR/entities.parquet [--no-index]
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { openKiln } from '../../src/kiln.js';

const [home, entities] = process.argv.slice(2);
const kiln = await openKiln({ home });
let c = process.cpuUsage();
let t = performance.now();
const load = loadavg()[0];
const lineage = await kiln.features.trainingSet({
  entities,
  service: 'all',
  out: join(home, 'steps.parquet'),
  useIndex: !process.argv.includes('--no-index'),
  onProgress: (done, total) => {
    const u = process.cpuUsage(c);
    console.log(`step ${done}/${total}: ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((u.user + u.system) / 1e6).toFixed(2)} CPU s, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB, external ${(process.memoryUsage().external / 1048576).toFixed(0)} MB`);
    c = process.cpuUsage();
    t = performance.now();
  },
});
console.log(`reads: ${lineage.featureViews.map((v) => v.read).join(',')}; load ${load.toFixed(1)}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
await kiln.close();
