/**
 * The training prediction histogram of a rollout's candidate model, for the `psi` guard: resolved through
 * the same `ModelSource` serving loads models with, so the key matches the `model` of the metric rows, and
 * cached per model key (a bundle is parsed once per process, not every tick). A model without one (an ONNX
 * model, a bundle from before baselines carried predictions) answers a note saying so.
 */
import type { ModelBundle } from '../../runtime/bundle-types.js';
import type { RolloutRecord } from '../../store/rollout-repository.js';
import type { ModelSource } from '../model-source.js';
import type { TrainingBaseline } from './guard-metrics.js';
import { predictionHistogramOf } from './prediction-score.js';

/** Models whose histogram is kept. */
const MAX_CACHED = 32;

/** Histograms by model key, bounded. */
export class TrainingBaselines {
  private readonly byKey = new Map<string, TrainingBaseline>();

  constructor(private readonly models: ModelSource) {}

  /** The candidate's histogram, or a note saying why there is none. */
  async of(r: RolloutRecord): Promise<TrainingBaseline> {
    let resolved;
    try {
      resolved = await this.models.resolve(r.spec.to, r.project);
    } catch (err) {
      return { model: null, histogram: null, note: `the candidate model ${r.spec.to} could not be resolved: ${err instanceof Error ? err.message : String(err)}` };
    }
    const cached = this.byKey.get(resolved.key);
    if (cached) return cached;
    let baseline: TrainingBaseline;
    if (resolved.format === 'onnx') {
      baseline = { model: resolved.key, histogram: null, note: `${resolved.key} is an ONNX model: it carries no training prediction baseline (use psi_vs_stable)` };
    } else {
      let bundle: ModelBundle;
      try {
        bundle = JSON.parse(await resolved.load()) as ModelBundle;
      } catch (err) {
        // Not cached: a store hiccup should not hide the baseline for the rest of the rollout.
        return { model: resolved.key, histogram: null, note: `the bundle of ${resolved.key} could not be read: ${err instanceof Error ? err.message : String(err)}` };
      }
      const histogram = predictionHistogramOf(bundle);
      baseline = histogram
        ? { model: resolved.key, histogram }
        : { model: resolved.key, histogram: null, note: `${resolved.key} has no training prediction baseline (bundle.baseline.predictions; bundles from before it was recorded, or imported models): retrain it, or use psi_vs_stable` };
    }
    if (this.byKey.size >= MAX_CACHED) this.byKey.delete(this.byKey.keys().next().value as string);
    this.byKey.set(resolved.key, baseline);
    return baseline;
  }
}
