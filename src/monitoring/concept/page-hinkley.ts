/**
 * Page-Hinkley test (Page 1954) for an increase in the mean of a stream, as river's `drift.PageHinkley`:
 * a running mean x̄_t, a cumulative sum m_t = max(0, α·m_{t-1} + (x_t − x̄_t − δ)), and drift once
 * m_t ≥ λ after `minInstances` observations. The detector then restarts. It has no warning zone.
 */
import { requireFiniteObservation, requireParameter, savedNumber, type ConceptDetectorState, type ConceptDriftDetector, type ConceptDriftSignal } from './concept-detector.js';

/** Page-Hinkley parameters (river's defaults). */
export interface PageHinkleyOptions {
  /** Observations before a drift may be signalled (30). */
  readonly minInstances?: number;
  /** Magnitude of change tolerated per observation (0.005). */
  readonly delta?: number;
  /** λ, the alarm threshold on the cumulative sum (50). */
  readonly threshold?: number;
  /** Forgetting factor on the cumulative sum (1 − 1e-4). */
  readonly alpha?: number;
}

/** Page-Hinkley detector of an upward shift in the mean. */
export class PageHinkley implements ConceptDriftDetector {
  readonly name = 'page_hinkley';
  private readonly minInstances: number;
  private readonly delta: number;
  private readonly threshold: number;
  private readonly alpha: number;
  private sampleCount = 1;
  private mean = 0;
  private sum = 0;
  private drifted = false;
  private seen = 0;

  constructor(options: PageHinkleyOptions = {}) {
    this.minInstances = options.minInstances ?? 30;
    this.delta = options.delta ?? 0.005;
    this.threshold = options.threshold ?? 50;
    this.alpha = options.alpha ?? 1 - 0.0001;
    requireParameter(this.name, 'minInstances', this.minInstances, Number.isInteger(this.minInstances) && this.minInstances >= 1, 'an integer >= 1');
    requireParameter(this.name, 'delta', this.delta, this.delta >= 0, '>= 0');
    requireParameter(this.name, 'threshold', this.threshold, this.threshold > 0, '> 0');
    requireParameter(this.name, 'alpha', this.alpha, this.alpha > 0 && this.alpha <= 1, 'in (0, 1]');
  }

  /** Feeds one value; `drift` when the cumulative deviation reaches the threshold. */
  update(x: number): ConceptDriftSignal {
    requireFiniteObservation(this.name, x, this.seen);
    this.seen++;
    if (this.drifted) this.restart();
    this.mean += (x - this.mean) / this.sampleCount;
    this.sum = Math.max(0, this.alpha * this.sum + (x - this.mean - this.delta));
    this.sampleCount++;
    this.drifted = this.sampleCount >= this.minInstances && this.sum >= this.threshold;
    return this.drifted ? 'drift' : 'none';
  }

  /** Forgets everything seen so far. */
  reset(): void {
    this.restart();
    this.seen = 0;
  }

  /** Options and counters as plain JSON. */
  state(): ConceptDetectorState {
    return {
      detector: this.name,
      options: { minInstances: this.minInstances, delta: this.delta, threshold: this.threshold, alpha: this.alpha },
      memory: { sampleCount: this.sampleCount, mean: this.mean, sum: this.sum, drifted: this.drifted, seen: this.seen },
    };
  }

  /** A detector that continues from a saved state. */
  static fromState(saved: ConceptDetectorState): PageHinkley {
    const d = new PageHinkley(saved.options);
    const m = saved.memory;
    d.sampleCount = savedNumber(d.name, m, 'sampleCount');
    d.mean = savedNumber(d.name, m, 'mean');
    d.sum = savedNumber(d.name, m, 'sum');
    d.seen = savedNumber(d.name, m, 'seen');
    d.drifted = m.drifted === true;
    return d;
  }

  private restart(): void {
    this.sampleCount = 1;
    this.mean = 0;
    this.sum = 0;
    this.drifted = false;
  }
}
