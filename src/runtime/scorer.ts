/**
 * `Scorer`: a loaded model bundle ready to score Frames or single records. It compiles the fitted
 * preprocessing and the model predictor once; scoring is then allocation-light and side-effect free.
 */
import { InputError } from '../core/errors.js';
import type { Frame } from '../core/frame.js';
import { frameFromRecords } from '../core/frame-builder.js';
import type { ModelBundle, Signature, Task } from './bundle-types.js';
import { parseBundle } from './bundle.js';
import { createPredictor } from './model-kinds.js';
import type { Predictor } from './predictor.js';
import { compilePipeline } from './preprocess/compile-pipeline.js';
import type { CompiledPipeline } from './preprocess/compile-pipeline.js';

/** Predictions for a batch of rows. */
export interface ScoredBatch {
  readonly task: Task;
  readonly rows: number;
  /** Predicted label (classification) or value (regression/ranking score). */
  readonly prediction: readonly (string | number)[];
  /** Binary: probability of the positive class (`labels[1]`). */
  readonly probability?: Float64Array;
  /** Multiclass: class probabilities, row-major rows x classes, in `labels` order. */
  readonly probabilities?: Float64Array;
  readonly labels?: readonly string[];
}

/** A compiled bundle. */
export interface Scorer {
  readonly bundle: ModelBundle;
  readonly signature: Signature;
  readonly predictor: Predictor;
  readonly pipeline: CompiledPipeline;
  /** Score a Frame (columns by name; extra columns ignored). */
  predict(frame: Frame): ScoredBatch;
  /** Score plain row objects (API payloads). */
  predictRecords(records: readonly Record<string, unknown>[]): ScoredBatch;
}

/** Compile a bundle (object or JSON text) into a Scorer; verifies format and checksum. */
export function createScorer(input: ModelBundle | string, source = 'bundle'): Scorer {
  const bundle = parseBundle(input, source);
  const predictor = createPredictor(bundle.model);
  const pipeline = compilePipeline(bundle.preprocessing, bundle.signature.inputs);
  if (pipeline.featureNames.length !== predictor.features) {
    throw new InputError(`${source}: preprocessing yields ${pipeline.featureNames.length} features but the model expects ${predictor.features}`, { file: source });
  }
  const task = bundle.signature.task;
  const labels = bundle.labels;
  // Records are typed by the signature, so a JSON number in a categorical column or a string in a
  // numeric one is coerced or rejected exactly as the pipeline would for a file.
  const inputFields = bundle.signature.inputs.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable, ...(f.categories ? { categories: f.categories } : {}) }));

  const predict = (frame: Frame): ScoredBatch => {
    const m = pipeline.transform(frame);
    const raw = predictor.predictRaw(m);
    return finish(task, predictor, raw, m.rows, labels);
  };
  return {
    bundle,
    signature: bundle.signature,
    predictor,
    pipeline,
    predict,
    predictRecords(records) {
      // Only columns some record carries go into the frame; the pipeline names any required one that is missing.
      const fields = inputFields.filter((f) => records.some((r) => r !== null && typeof r === 'object' && f.name in r));
      return predict(frameFromRecords(records, { fields }));
    },
  };
}

/** Apply the link and label mapping to raw scores. */
export function finish(task: Task, predictor: Predictor, raw: Float64Array, rows: number, labels: readonly string[] | undefined): ScoredBatch {
  if (task === 'binary') {
    if (!labels || labels.length !== 2) throw new InputError('binary bundle must have exactly two labels', { field: 'labels' });
    const p = new Float64Array(rows);
    const pred: string[] = new Array<string>(rows);
    for (let i = 0; i < rows; i++) {
      const z = raw[i];
      const prob = predictor.link === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : z;
      p[i] = prob;
      pred[i] = prob >= 0.5 ? labels[1] : labels[0];
    }
    return { task, rows, prediction: pred, probability: p, labels };
  }
  if (task === 'multiclass') {
    const k = predictor.outputs;
    if (!labels || labels.length !== k) throw new InputError(`multiclass bundle has ${labels?.length ?? 0} labels but ${k} model outputs`, { field: 'labels' });
    const probs = new Float64Array(rows * k);
    const pred: string[] = new Array<string>(rows);
    for (let i = 0; i < rows; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[i * k + c]);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = predictor.link === 'softmax' ? Math.exp(raw[i * k + c] - max) : raw[i * k + c];
        probs[i * k + c] = e;
        sum += e;
      }
      let best = 0;
      for (let c = 0; c < k; c++) {
        probs[i * k + c] /= sum;
        if (probs[i * k + c] > probs[i * k + best]) best = c;
      }
      pred[i] = labels[best];
    }
    return { task, rows, prediction: pred, probabilities: probs, labels };
  }
  const pred: number[] = new Array<number>(rows);
  for (let i = 0; i < rows; i++) pred[i] = raw[i];
  return { task, rows, prediction: pred };
}
