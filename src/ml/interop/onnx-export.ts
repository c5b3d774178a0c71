/**
 * `exportOnnx`: a Kiln model bundle -> ONNX ModelProto bytes that take the raw named columns. Graph
 * inputs are the bundle's required signature inputs, one `[N, 1]` tensor each: double for numeric,
 * boolean (0/1) and timestamp (epoch ms) columns with NaN as missing, string for categorical and text
 * columns with "" as missing. The fitted preprocessing becomes ONNX operators (onnx-step-export.ts),
 * the features are concatenated into `[N, F]` doubles, and the model becomes an `ai.onnx.ml` tree
 * ensemble or linear operator. Outputs: classification `label` (string `[N]`, the argmax of the
 * probabilities — not the classifier operator's own label output) and `probabilities` (float `[N, K]`,
 * in `bundle.labels` order; binary `[1 - p, p]`); regression and ranking `variable` (float `[N, 1]`).
 */
import type { ModelBundle } from '../../runtime/bundle-types.js';
import { parseBundle } from '../../runtime/bundle.js';
import { compilePipeline } from '../../runtime/preprocess/compile-pipeline.js';
import { KILN_VERSION } from '../../version.js';
import { InteropError } from './interop-error.js';
import { OnnxGraphBuilder } from './onnx-graph-builder.js';
import { ElemType } from './onnx-proto.js';
import { exportStep } from './onnx-step-export.js';
import type { OnnxColumns } from './onnx-step-export.js';
import { exportGbdt } from './onnx-tree-export.js';
import { exportLinear } from './onnx-linear-export.js';

type ModelExporter = typeof exportGbdt;

/** Model kind -> ONNX exporter. */
const MODEL_EXPORTERS: Readonly<Record<string, ModelExporter>> = {
  gbdt: exportGbdt,
  linear: exportLinear,
};

/** Export a Kiln bundle (object or JSON text) to ONNX bytes; InteropError names anything that cannot be exported. */
export function exportOnnx(input: ModelBundle | string): Uint8Array {
  const bundle = parseBundle(input, 'bundle');
  const kind = bundle.model.kind;
  const exportModel = Object.hasOwn(MODEL_EXPORTERS, kind) ? MODEL_EXPORTERS[kind] : undefined;
  if (!exportModel) throw new InteropError('unsupported_feature', `model kind "${kind}" has no ONNX export`, { field: 'model.kind' }, `Exportable kinds: ${Object.keys(MODEL_EXPORTERS).join(', ')}.`);
  // Compiling checks the pipeline and tells which inputs it really reads.
  const pipeline = compilePipeline(bundle.preprocessing, bundle.signature.inputs);
  const g = new OnnxGraphBuilder();
  const outputNames = bundle.signature.task === 'binary' || bundle.signature.task === 'multiclass' ? ['label', 'probabilities'] : ['variable'];
  const clash = pipeline.requiredInputs.find((i) => outputNames.includes(i.name));
  if (clash) throw new InteropError('unsupported_feature', `input column "${clash.name}" has the name of an ONNX output`, { column: clash.name }, `Rename the column (the exported graph's outputs are ${outputNames.join(', ')}).`);
  g.reserve(outputNames);
  const cols: OnnxColumns = new Map();
  for (const inp of pipeline.requiredInputs) {
    const isString = inp.type === 'categorical' || inp.type === 'text';
    cols.set(inp.name, { tensor: g.input(inp.name, isString ? ElemType.STRING : ElemType.DOUBLE), kind: isString ? 'string' : 'double' });
  }
  const steps = bundle.preprocessing.slice(0, -1);
  steps.forEach((s, i) => exportStep(g, s, cols, i));
  const features = pipeline.featureNames.map((name) => {
    const c = cols.get(name);
    if (!c || c.kind !== 'double') throw new InteropError('unsupported_step', `feature "${name}" is not a numeric column in the ONNX graph`, { column: name });
    return c.tensor;
  });
  const x = features.length === 1 ? features[0] : g.op('Concat', features, { axis: { int: 1 } }, 'features');
  const task = bundle.signature.task;
  const { scores } = exportModel(g, bundle.model, x, task, bundle.labels);
  if (task === 'binary' || task === 'multiclass') {
    const labels = bundle.labels ?? [];
    // Our own argmax: the classifier operators' label output is not the argmax for two classes.
    const best = g.op('ArgMax', [scores], { axis: { int: 1 }, keepdims: { int: 0 } }, 'best');
    g.output('label', g.op('Gather', [g.strings(labels), best], { axis: { int: 0 } }, 'label'), ElemType.STRING, ['N']);
    g.output('probabilities', scores, ElemType.FLOAT, ['N', labels.length]);
  } else {
    g.output('variable', scores, ElemType.FLOAT, ['N', 1]);
  }
  return g.toBytes({
    graphName: 'kiln_model',
    docString: `Kiln ${bundle.metadata.algo} ${task} model exported from a bundle (checksum ${bundle.checksum})`,
    metadata: { kilnVersion: KILN_VERSION, bundleChecksum: bundle.checksum, task, target: bundle.signature.target, inputs: JSON.stringify(pipeline.requiredInputs.map((i) => ({ name: i.name, type: i.type }))), ...(bundle.labels ? { labels: JSON.stringify(bundle.labels) } : {}) },
  });
}
