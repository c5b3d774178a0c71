/**
 * What the inference server hands to capture (and, through capture, to feedback joins and monitors) for
 * every scored request. The server builds one record per request after responding; a sink must never
 * block, throw or slow the request path: it samples, buffers and drops (counting drops) when full.
 */
import type { Frame } from '../core/frame.js';
import type { Scorer } from '../runtime/scorer.js';

/** The decoded inputs and the compiled model that scored them (what capture attributions explain). */
export interface ScoredInputs {
  /** The request's instances as the model's input plan decoded them (one row per prediction id). */
  readonly frame: Frame;
  readonly scorer: Scorer;
}

/** One scored request, columnar (one entry per instance in every array). */
export interface PredictionRecord {
  readonly project: string;
  readonly endpoint: string;
  readonly variant: string;
  /** The served model version, canonical `NAME@VERSION` (or the bundle's checksum prefix for file models). */
  readonly modelVersion: string;
  /** One id per instance, as returned to the caller; feedback joins on these. */
  readonly predictionIds: readonly string[];
  /** Input columns as received after validation (masked by the endpoint's PII policy before capture). */
  readonly inputs: Readonly<Record<string, readonly unknown[]>>;
  /** Predictions per instance (labels for classifiers, numbers for regressors). */
  readonly predictions: readonly (string | number | null)[];
  /** Class probabilities per instance in `labels` order, for classifiers. */
  readonly probabilities?: readonly (readonly number[])[];
  readonly labels?: readonly string[];
  /** Server-side latency of the whole request in milliseconds. */
  readonly latencyMs: number;
  /** When the request arrived (epoch ms). */
  readonly receivedAt: number;
  /**
   * The decoded frame and the model, for work a sink does later, off the request path (TreeSHAP
   * attributions at capture flush). A function, so serializing a record never copies a model; absent on
   * records built elsewhere (they are captured without attributions).
   */
  readonly scored?: () => ScoredInputs;
}

/** Receives prediction records. `offer` returns at once and never throws. */
export interface PredictionSink {
  offer(record: PredictionRecord): void;
}

/** A sink that keeps nothing (capture off). */
export const DISCARDING_SINK: PredictionSink = { offer: () => undefined };
