/** Binary log-loss on raw log-odds scores (y in {0, 1}); weights carry scalePosWeight. */
import { InputError } from '../../../core/errors.js';
import type { Objective, ObjectiveData } from './objective.js';
import { compileWasmBinaryGradients } from '../wasm/wasm-binary-gradients.js';
import type { WasmBinaryGradients } from '../wasm/wasm-binary-gradients.js';

/** Sigmoid-link logistic loss. */
export function createBinaryObjective(data: ObjectiveData): Objective {
  const { y, weight: w } = data;
  const n = y.length;
  let sw = 0;
  let sp = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) throw new InputError(`binary objective needs labels 0 or 1; row ${i} has ${v}`, { row: i, field: 'y' }, 'encode the positive class as 1 and the other as 0');
    const wi = w ? w[i] : 1;
    sw += wi;
    sp += wi * v;
  }
  const p0 = Math.min(Math.max(sp / sw, 1e-15), 1 - 1e-15);
  // Unweighted rows whose labels, scores and gradients share the kernel memory take the WebAssembly pass (same bits).
  const memory = w ? undefined : data.kernelMemory;
  let wasm: WasmBinaryGradients | undefined;
  if (memory) wasm = compileWasmBinaryGradients(memory);
  return {
    name: 'binary',
    outputs: 1,
    link: 'sigmoid',
    defaultMetric: 'logloss',
    metrics: ['logloss', 'auc'],
    baseScores: () => Float64Array.of(Math.log(p0 / (1 - p0))),
    prepare: () => undefined,
    gradients(scores, k, gh) {
      this.gradientRange?.(scores, k, gh, 0, n);
    },
    gradientRange(scores, _k, gh, from, to) {
      if (wasm && scores.buffer === y.buffer && gh.buffer === y.buffer) {
        // Rows it leaves (|score| >= 708 or NaN) are rare: the loop below then redoes the range.
        if (wasm(scores.byteOffset + 8 * from, y.byteOffset + 8 * from, gh.byteOffset + 16 * from, to - from) === 0) return;
      }
      for (let i = from; i < to; i++) {
        const p = 1 / (1 + Math.exp(-scores[i]));
        const wi = w ? w[i] : 1;
        gh[2 * i] = (p - y[i]) * wi;
        gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16) * wi;
      }
    },
  };
}
