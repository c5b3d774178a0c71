/**
 * Kiln linear models -> `ai.onnx.ml` LinearRegressor (regression) or LinearClassifier (binary: one
 * score with LOGISTIC, giving [1 - p, p]; multinomial: SOFTMAX; one-vs-rest: LOGISTIC per class, then
 * normalized as scikit-learn does). These operators hold float32 coefficients, so outputs agree with
 * Kiln's double arithmetic to about 1e-7 relative.
 */
import type { ModelState } from '../../runtime/bundle-types.js';
import { decodeLinearState } from '../../runtime/linear/linear-state.js';
import { InteropError } from './interop-error.js';
import type { OnnxGraphBuilder } from './onnx-graph-builder.js';

/** Add the linear model reading `x` ([N, F] doubles); returns the score or probability tensor names. */
export function exportLinear(g: OnnxGraphBuilder, model: ModelState, x: string, task: string, labels: readonly string[] | undefined): { scores: string; label?: string } {
  const m = decodeLinearState(model);
  const K = m.outputs;
  const F = m.features;
  // ONNX wants output-major coefficients (K x F); Kiln stores them feature-major (F x K).
  const coefficients: number[] = new Array<number>(K * F);
  for (let k = 0; k < K; k++) for (let j = 0; j < F; j++) coefficients[k * F + j] = m.coefficients[j * K + k];
  const intercepts = Array.from(m.intercepts);
  if (task === 'binary' || task === 'multiclass') {
    if (!labels) throw new InteropError('malformed_model', 'a classification bundle has no labels', { field: 'labels' });
    const post = m.ovr ? 'LOGISTIC' : K === 1 ? (m.link === 'sigmoid' ? 'LOGISTIC' : 'NONE') : m.link === 'softmax' ? 'SOFTMAX' : 'NONE';
    const [label, scores] = g.node(
      'LinearClassifier',
      [x],
      { coefficients: { floats: coefficients }, intercepts: { floats: intercepts }, classlabels_strings: { strings: labels }, post_transform: { string: post }, multi_class: { int: 0 } },
      { domain: 'ai.onnx.ml', outputs: 2, hint: 'linear' },
    );
    if (!m.ovr) return { scores, label };
    // One-vs-rest: p_k = sigmoid(z_k) / sum_j sigmoid(z_j), the normalization the runtime's softmax of log-sigmoids gives.
    const sum = g.op('ReduceSum', [scores, g.int64s([1])], { keepdims: { int: 1 } });
    return { scores: g.op('Div', [scores, sum]) };
  }
  // ONNX Runtime implements LinearRegressor for float inputs only.
  const xf = g.op('Cast', [x], { to: { int: 1 } }, 'x_float');
  const [y] = g.node('LinearRegressor', [xf], { coefficients: { floats: coefficients }, intercepts: { floats: intercepts }, targets: { int: K }, post_transform: { string: 'NONE' } }, { domain: 'ai.onnx.ml', hint: 'linear' });
  return { scores: y };
}
