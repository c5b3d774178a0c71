/**
 * An imported ONNX model served through an endpoint: loaded lazily (onnxruntime-node is imported only
 * when the first ONNX model loads), with a serving signature read from the graph — one input per named
 * column (`numeric`, `categorical` as strings, `boolean`), so native predict and the Open Inference
 * Protocol decode and check payloads exactly as for bundles. Outputs map to the predict response: the
 * `label` / `output_label` output (else the first) gives `predictions`; a float `[N, K]` output named
 * `probabilities` / `output_probability` gives `probabilities`, labelled by the model's `labels` metadata
 * (written by `kiln models export`) or `class_<j>`. The task follows: K = 2 binary, K > 2 multiclass,
 * else regression. ONNX Runtime answers asynchronously, so adaptive batching (which scores synchronously)
 * is refused for these models, and TreeSHAP explanations too (no tree structure is read from the graph).
 */
import type { Frame } from '../core/frame.js';
import { UsageError } from '../core/errors.js';
import type { OnnxModel } from '../ml/interop/onnx-model.js';
import { loadOnnxModel } from '../ml/interop/onnx-model.js';
import { decodeOnnxModel } from '../ml/interop/onnx-signature.js';
import type { OnnxTensorSpec } from '../ml/interop/onnx-signature.js';
import type { ModelBundle, Signature, SignatureInput, Task } from '../runtime/bundle-types.js';
import type { ScoredBatch, Scorer } from '../runtime/scorer.js';
import { LoadedModel } from './loaded-model.js';
import type { ModelOutput } from './loaded-model.js';

const LABEL_OUTPUTS = ['label', 'output_label'];
const PROBABILITY_OUTPUTS = ['probabilities', 'output_probability', 'probability'];

/** How the graph's outputs become a predict response. */
interface OutputMap {
  readonly prediction: string;
  readonly probabilities: string | null;
  readonly labels: readonly string[] | undefined;
  readonly task: Task;
}

/** A loaded ONNX model behind the `LoadedModel` interface. */
export class OnnxLoadedModel extends LoadedModel {
  private constructor(
    key: string,
    scorer: Scorer,
    loadMs: number,
    memoryBytes: number,
    private readonly onnx: OnnxModel,
    private readonly map: OutputMap,
  ) {
    super(key, scorer, loadMs, memoryBytes);
  }

  /** Load ONNX bytes into an ONNX Runtime session and derive the serving signature. */
  static async fromOnnx(key: string, bytes: Uint8Array): Promise<OnnxLoadedModel> {
    const started = performance.now();
    const onnx = await loadOnnxModel(bytes);
    const props = new Map((decodeOnnxModel(bytes).metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
    const map = outputMap(onnx.signature.outputs, props.get('labels'));
    const inputs: SignatureInput[] = onnx.signature.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.type !== 'boolean' }));
    const signature: Signature = { inputs, target: props.get('target') ?? 'prediction', task: map.task, outputs: onnx.signature.outputs.map((o) => o.name) };
    return new OnnxLoadedModel(key, onnxScorer(key, signature, map.labels), performance.now() - started, bytes.length * 2, onnx, map);
  }

  /** Score through ONNX Runtime. */
  override async score(frame: Frame): Promise<ModelOutput> {
    const pred = await this.onnx.predict(frame);
    const n = pred.rows;
    const label = pred.outputs[this.map.prediction];
    const width = n === 0 ? 1 : Math.max(1, Math.round(label.values.length / n));
    const predictions: (string | number)[] = new Array<string | number>(n);
    for (let i = 0; i < n; i++) predictions[i] = label.values[i * width];
    const probs = this.map.probabilities === null ? undefined : pred.outputs[this.map.probabilities];
    if (!probs || !(probs.values instanceof Float64Array) || !this.map.labels) return { predictions };
    const k = this.map.labels.length;
    const probabilities: number[][] = new Array<number[]>(n);
    for (let i = 0; i < n; i++) probabilities[i] = Array.from(probs.values.subarray(i * k, i * k + k));
    return { predictions, probabilities, labels: this.map.labels };
  }

  /** Close the ONNX Runtime session. */
  override async dispose(): Promise<void> {
    await this.onnx.close();
  }

  /** Adaptive batching scores synchronously, which ONNX Runtime cannot. */
  override scoreRaw(_frame: Frame): ScoredBatch {
    throw new UsageError(`adaptive batching is not supported for ONNX models (${this.key})`, { field: 'settings.batching' }, 'Turn batching off for this endpoint: `kiln endpoints update NAME --batching off`.');
  }
}

function outputMap(outputs: readonly OnnxTensorSpec[], labelsProp: string | undefined): OutputMap {
  if (outputs.length === 0) throw new UsageError('the ONNX model has no outputs', { field: 'model' });
  const prediction = outputs.find((o) => LABEL_OUTPUTS.includes(o.name)) ?? outputs[0];
  const probs = outputs.find((o) => o !== prediction && PROBABILITY_OUTPUTS.includes(o.name) && (o.elemType === 'float' || o.elemType === 'double') && o.dims.length === 2 && typeof o.dims[1] === 'number' && o.dims[1] >= 2);
  if (!probs) return { prediction: prediction.name, probabilities: null, labels: undefined, task: 'regression' };
  const k = probs.dims[1] as number;
  let labels: string[] | undefined;
  try {
    const parsed = labelsProp === undefined ? undefined : (JSON.parse(labelsProp) as unknown);
    if (Array.isArray(parsed) && parsed.length === k && parsed.every((l) => typeof l === 'string')) labels = parsed as string[];
  } catch {
    labels = undefined;
  }
  labels ??= Array.from({ length: k }, (_, j) => `class_${j}`);
  return { prediction: prediction.name, probabilities: probs.name, labels, task: k === 2 ? 'binary' : 'multiclass' };
}

/**
 * The `Scorer` face `LoadedModel` exposes (its signature and labels for OIP metadata, `model.kind` for
 * explain): ONNX models are scored by `OnnxLoadedModel.score`, never through these methods.
 */
function onnxScorer(key: string, signature: Signature, labels: readonly string[] | undefined): Scorer {
  const refuse = (): never => {
    throw new UsageError(`${key} is an ONNX model: it is scored through ONNX Runtime`, { field: 'model' });
  };
  const bundle = { format: 'kiln.model', formatVersion: 1, signature, preprocessing: [], model: { kind: 'onnx' }, ...(labels ? { labels } : {}), metadata: { algo: 'onnx', params: {}, metrics: {}, seed: 0, kilnVersion: '', createdAt: '' } } as unknown as ModelBundle;
  return { bundle, signature, predict: refuse, predictRecords: refuse } as unknown as Scorer;
}
