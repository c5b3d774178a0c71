/**
 * The training half of bench/gbdt/run.ts's cached data (bench/out/gbdt-data-<rows>/) as a column-major
 * FeatureMatrix and labels, for the quick A/B scripts; plus the model-bytes hash they print.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureMatrix } from '../../src/runtime/feature-matrix.js';

/** Rows and labels of `gbdt-data-<rows>` (made by a previous `npx tsx bench/gbdt/run.ts --rows <rows>`). */
export function loadCachedTrainData(rows: string): { x: FeatureMatrix; y: Float64Array } {
  const dir = join(fileURLToPath(new URL('../out/', import.meta.url)), `gbdt-data-${rows}`);
  const readF32 = (file: string): Float32Array => {
    const b = readFileSync(join(dir, file));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const F = (JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { features: number }).features;
  const flat = readF32('x_train.f32');
  const n = flat.length / F;
  const data = new Float64Array(n * F);
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) data[f * n + i] = flat[i * F + f];
  const x = { rows: n, cols: F, data, names: Array.from({ length: F }, (_, f) => `f${f}`), categoryCounts: new Int32Array(F) };
  return { x, y: Float64Array.from(readF32('y_train.f32')) };
}

/** A 32-bit hash of a string (equal hashes of a model's JSON = identical models). */
export function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}
