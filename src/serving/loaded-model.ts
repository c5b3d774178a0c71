/**
 * `LoadedModel`: a compiled bundle ready to serve — the scorer, one input plan per unseen-category policy,
 * the label order, how long it took to load and about how much memory it holds. Models are immutable once
 * loaded; a hot swap replaces the whole object, and requests already running keep the one they started with.
 */
import { performance } from 'node:perf_hooks';
import { Frame } from '../core/frame.js';
import type { Column } from '../core/frame.js';
import type { SignatureInput } from '../runtime/bundle-types.js';
import type { ScoredBatch, Scorer } from '../runtime/scorer.js';
import { createScorer } from '../runtime/scorer.js';
import type { UnseenPolicy } from './field-decoder.js';
import { InputPlan } from './input-plan.js';

/** Serving-side view of one scored batch. */
export interface ModelOutput {
  readonly predictions: (string | number)[];
  /** Per row, class probabilities in `labels` order (classifiers). */
  readonly probabilities?: number[][];
  readonly labels?: readonly string[];
}

/** A model in memory. */
export class LoadedModel {
  private readonly plans = new Map<UnseenPolicy, InputPlan>();
  /** Requests currently scoring with this model (a swapped-out model is dropped when it reaches 0). */
  inFlight = 0;

  protected constructor(
    readonly key: string,
    readonly scorer: Scorer,
    readonly loadMs: number,
    /** Estimate: twice the bundle's JSON size (decoded arrays and compiled trees stay; the text is dropped). */
    readonly memoryBytes: number,
  ) {}

  /** Compile `text` (a bundle) and score one all-missing row so the first request does not pay for JIT warm-up. */
  static fromBundle(key: string, text: string): LoadedModel {
    const started = performance.now();
    const scorer = createScorer(text, key);
    warm(scorer);
    return new LoadedModel(key, scorer, performance.now() - started, text.length * 2);
  }

  /** The task of the model. */
  get task(): ScoredBatch['task'] {
    return this.scorer.signature.task;
  }

  /** The input plan for an unseen-category policy (compiled once). */
  plan(policy: UnseenPolicy): InputPlan {
    let p = this.plans.get(policy);
    if (!p) {
      p = new InputPlan(this.scorer.signature, policy);
      this.plans.set(policy, p);
    }
    return p;
  }

  /** Score a decoded frame (ONNX models answer asynchronously: `OnnxLoadedModel`). */
  score(frame: Frame): ModelOutput | Promise<ModelOutput> {
    return toOutput(this.scorer.predict(frame));
  }

  /** Release native resources (ONNX Runtime sessions); bundles hold none. Called once nothing scores with it. */
  async dispose(): Promise<void> {
    // A compiled bundle is plain JavaScript memory: the garbage collector frees it.
  }

  /** Score a frame, returning the raw batch (for the batcher, which splits it). */
  scoreRaw(frame: Frame): ScoredBatch {
    return this.scorer.predict(frame);
  }
}

function warm(scorer: Scorer): void {
  try {
    scorer.predict(new Frame(scorer.signature.inputs.map(missingColumn), 1));
  } catch {
    // A pipeline that refuses missing values cannot be warmed this way; the first request warms it.
  }
}

function missingColumn(f: SignatureInput): Column {
  switch (f.type) {
    case 'numeric':
    case 'timestamp':
      return { name: f.name, type: f.type, values: Float64Array.of(Number.NaN) };
    case 'categorical':
      return { name: f.name, type: 'categorical', codes: Int32Array.of(-1), categories: f.categories ?? [] };
    case 'boolean':
      return { name: f.name, type: 'boolean', values: Uint8Array.of(255) };
    case 'int64':
      return { name: f.name, type: 'int64', values: BigInt64Array.of(-(2n ** 63n)) };
    case 'text':
      return { name: f.name, type: 'text', values: [null] };
  }
}

/** Turn a scored batch into response arrays (rows of probabilities in label order). */
export function toOutput(scored: ScoredBatch, start = 0, end = scored.rows): ModelOutput {
  const predictions = scored.prediction.slice(start, end) as (string | number)[];
  const labels = scored.labels;
  if (scored.probability && labels) {
    const probabilities: number[][] = new Array<number[]>(end - start);
    for (let i = start; i < end; i++) {
      const p = scored.probability[i];
      probabilities[i - start] = [1 - p, p];
    }
    return { predictions, probabilities, labels };
  }
  if (scored.probabilities && labels) {
    const k = labels.length;
    const probabilities: number[][] = new Array<number[]>(end - start);
    for (let i = start; i < end; i++) probabilities[i - start] = Array.from(scored.probabilities.subarray(i * k, i * k + k));
    return { predictions, probabilities, labels };
  }
  return { predictions };
}
