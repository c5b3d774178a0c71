/**
 * Precision, recall and F-beta as scikit-learn 1.2's `precision_recall_fscore_support`: averages
 * 'binary' (one positive label), 'micro', 'macro' and 'weighted'; zero_division behaves like the
 * default 'warn' (an undefined ratio counts as 0, without the warning). F is computed from the averaged
 * precision and recall per label exactly as sklearn does, so values agree to the last bits.
 */
import { InputError } from '../../core/errors.js';
import { uniqueLabels } from './confusion-matrix.js';
import { checkPaired } from './metric-input-checks.js';

/** How per-label scores are combined. */
export type Averaging = 'binary' | 'micro' | 'macro' | 'weighted';

/** Options for precision / recall / F-beta. */
export interface PrfOptions {
  /** Default 'binary'. */
  average?: Averaging;
  /** Positive class code for average='binary'; default 1. */
  posLabel?: number;
  /** Default 1 (F1). */
  beta?: number;
  /** Labels to include for micro/macro/weighted; default the sorted union of y_true and y_pred. */
  labels?: Int32Array;
  sampleWeight?: Float64Array;
}

/** Averaged precision, recall and F-beta. */
export interface PrfResult {
  precision: number;
  recall: number;
  fscore: number;
}

function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

function fbeta(p: number, r: number, beta2: number): number {
  const denom = beta2 * p + r;
  return ((1 + beta2) * p * r) / (denom === 0 ? 1 : denom);
}

/** Precision, recall and F-beta under one averaging rule (sklearn `precision_recall_fscore_support`). */
export function precisionRecallFscore(yTrue: Int32Array, yPred: Int32Array, options: PrfOptions = {}): PrfResult {
  const metric = 'precision_recall_fscore';
  const w = options.sampleWeight;
  const n = checkPaired(metric, yTrue, yPred, 'y_pred', w);
  const average = options.average ?? 'binary';
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new InputError(`${metric}: beta must be >= 0, got ${beta}`, { field: 'beta' });
  const beta2 = beta * beta;
  const present = uniqueLabels(yTrue, yPred);
  let labels: Int32Array;
  if (average === 'binary') {
    const pos = options.posLabel ?? 1;
    if (present.length > 2) {
      throw new InputError(
        `${metric}: average='binary' needs at most 2 classes but found ${present.length}; use average 'macro', 'micro' or 'weighted'`,
        { field: 'average' },
      );
    }
    if (present.length === 2 && present[0] !== pos && present[1] !== pos) {
      throw new InputError(`${metric}: pos_label=${pos} is not one of the labels ${present.join(', ')}`, { field: 'pos_label' });
    }
    labels = Int32Array.of(pos);
  } else {
    labels = options.labels ?? present;
  }
  const k = labels.length;
  const position = new Map<number, number>();
  for (let j = 0; j < k; j++) position.set(labels[j], j);
  const tp = new Float64Array(k);
  const predSum = new Float64Array(k);
  const trueSum = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    const t = position.get(yTrue[i]);
    const p = position.get(yPred[i]);
    if (t !== undefined) trueSum[t] += wi;
    if (p !== undefined) predSum[p] += wi;
    if (t !== undefined && yTrue[i] === yPred[i]) tp[t] += wi;
  }
  if (average === 'micro') {
    let tps = 0;
    let ps = 0;
    let ts = 0;
    for (let j = 0; j < k; j++) {
      tps += tp[j];
      ps += predSum[j];
      ts += trueSum[j];
    }
    const p = ratio(tps, ps);
    const r = ratio(tps, ts);
    return { precision: p, recall: r, fscore: fbeta(p, r, beta2) };
  }
  let pAcc = 0;
  let rAcc = 0;
  let fAcc = 0;
  let weightSum = 0;
  for (let j = 0; j < k; j++) {
    const p = ratio(tp[j], predSum[j]);
    const r = ratio(tp[j], trueSum[j]);
    const f = fbeta(p, r, beta2);
    const weight = average === 'weighted' ? trueSum[j] : 1;
    pAcc += p * weight;
    rAcc += r * weight;
    fAcc += f * weight;
    weightSum += weight;
  }
  // sklearn's 'weighted' with no true rows among the labels: every ratio is a zero division -> 0.
  if (weightSum === 0) return { precision: 0, recall: 0, fscore: 0 };
  return { precision: pAcc / weightSum, recall: rAcc / weightSum, fscore: fAcc / weightSum };
}

/** Precision (sklearn `precision_score`). */
export function precisionScore(yTrue: Int32Array, yPred: Int32Array, options: PrfOptions = {}): number {
  return precisionRecallFscore(yTrue, yPred, options).precision;
}

/** Recall (sklearn `recall_score`). */
export function recallScore(yTrue: Int32Array, yPred: Int32Array, options: PrfOptions = {}): number {
  return precisionRecallFscore(yTrue, yPred, options).recall;
}

/** F1 (sklearn `f1_score`); pass `beta` for F-beta. */
export function f1Score(yTrue: Int32Array, yPred: Int32Array, options: PrfOptions = {}): number {
  return precisionRecallFscore(yTrue, yPred, options).fscore;
}
