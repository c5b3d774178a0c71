/**
 * CPU time of GBDT binning (not a test): boundary search (`fitBinLayout`) and bin assignment
 * (`binMatrix`) on the bench's cached data, each repeated.
 *
 *   npx tsx bench/gbdt/binning-profile.ts [rows=250000] [repeats=5]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/core/rng.js';
import { binMatrix, fitBinLayout } from '../../src/ml/gbdt/bin-mapper.js';

const rows = process.argv[2] ?? '250000';
const repeats = Number(process.argv[3] ?? 5);
const dir = join(fileURLToPath(new URL('../out/', import.meta.url)), `gbdt-data-${rows}`);
const F = (JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { features: number }).features;
const b = readFileSync(join(dir, 'x_train.f32'));
const flat = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const n = flat.length / F;
const data = new Float64Array(n * F);
for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) data[f * n + i] = flat[i * F + f];
const x = { rows: n, cols: F, data, names: Array.from({ length: F }, (_, f) => `f${f}`), categoryCounts: new Int32Array(F) };
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let r = 0; r < repeats; r++) {
  const c0 = cpuMs();
  const layout = fitBinLayout(x, 255, 200000, new Rng(0).fork());
  const c1 = cpuMs();
  const binned = binMatrix(x, layout);
  const c2 = cpuMs();
  let h = 0;
  for (let i = 0; i < binned.bins.length; i += 97) h = (h * 31 + binned.bins[i]) | 0;
  console.log(`${n} x ${F}: fitBinLayout ${(c1 - c0).toFixed(0)} ms, binMatrix ${(c2 - c1).toFixed(0)} ms (cpu), bins hash ${h}`);
}
