/**
 * DDM, the Drift Detection Method of Gama, Medas, Castillo and Rodrigues (2004), as river's
 * `drift.binary.DDM`: over a stream of errors (1) and successes (0), p_i is the running error rate and
 * s_i = sqrt(p_i(1 − p_i)/i). After `warmStart` observations the minimum of p_i + s_i is remembered as
 * (p_min, s_min); p_i + s_i > p_min + 2·s_min is a warning and > p_min + 3·s_min a drift, after which
 * the detector restarts.
 */
import { InputError } from '../../core/errors.js';
import { requireFiniteObservation, requireParameter, savedNumber, type ConceptDetectorState, type ConceptDriftDetector, type ConceptDriftSignal } from './concept-detector.js';

/** DDM parameters (river's defaults). */
export interface DdmOptions {
  /** Observations before a warning or drift may be signalled (30). */
  readonly warmStart?: number;
  /** Standard deviations above the minimum for a warning (2). */
  readonly warningThreshold?: number;
  /** Standard deviations above the minimum for a drift (3). */
  readonly driftThreshold?: number;
}

/** DDM over a 0/1 error stream. */
export class Ddm implements ConceptDriftDetector {
  readonly name = 'ddm';
  private readonly warmStart: number;
  private readonly warningThreshold: number;
  private readonly driftThreshold: number;
  private n = 0;
  private p = 0;
  private pMin = Infinity;
  private sMin = Infinity;
  private psMin = Infinity;
  private drifted = false;
  private seen = 0;

  constructor(options: DdmOptions = {}) {
    this.warmStart = options.warmStart ?? 30;
    this.warningThreshold = options.warningThreshold ?? 2;
    this.driftThreshold = options.driftThreshold ?? 3;
    requireParameter(this.name, 'warmStart', this.warmStart, Number.isInteger(this.warmStart) && this.warmStart >= 0, 'an integer >= 0');
    requireParameter(this.name, 'warningThreshold', this.warningThreshold, this.warningThreshold > 0, '> 0');
    requireParameter(this.name, 'driftThreshold', this.driftThreshold, this.driftThreshold >= this.warningThreshold, '>= warningThreshold');
  }

  /** Feeds one outcome (1 = error, 0 = correct). */
  update(x: number): ConceptDriftSignal {
    requireFiniteObservation(this.name, x, this.seen);
    if (x !== 0 && x !== 1) {
      throw new InputError(`ddm: observation ${this.seen} is ${x}; DDM reads a binary error stream (1 = error, 0 = correct)`, { field: 'x', row: this.seen });
    }
    this.seen++;
    if (this.drifted) this.restart();
    this.n++;
    this.p += (x - this.p) / this.n;
    const s = Math.sqrt((this.p * (1 - this.p)) / this.n);
    if (this.n <= this.warmStart) return 'none';
    if (this.p + s <= this.psMin) {
      this.pMin = this.p;
      this.sMin = s;
      this.psMin = this.p + s;
    }
    if (this.p + s > this.pMin + this.driftThreshold * this.sMin) {
      this.drifted = true;
      return 'drift';
    }
    return this.p + s > this.pMin + this.warningThreshold * this.sMin ? 'warning' : 'none';
  }

  /** Forgets everything seen so far. */
  reset(): void {
    this.restart();
    this.seen = 0;
  }

  /** Options and counters as plain JSON (the not-yet-set minimum is null). */
  state(): ConceptDetectorState {
    const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
    return {
      detector: this.name,
      options: { warmStart: this.warmStart, warningThreshold: this.warningThreshold, driftThreshold: this.driftThreshold },
      memory: { n: this.n, p: this.p, pMin: finite(this.pMin), sMin: finite(this.sMin), psMin: finite(this.psMin), drifted: this.drifted, seen: this.seen },
    };
  }

  /** A detector that continues from a saved state. */
  static fromState(saved: ConceptDetectorState): Ddm {
    const d = new Ddm(saved.options);
    const m = saved.memory;
    const orInfinity = (field: string): number => (m[field] === null ? Infinity : savedNumber(d.name, m, field));
    d.n = savedNumber(d.name, m, 'n');
    d.p = savedNumber(d.name, m, 'p');
    d.pMin = orInfinity('pMin');
    d.sMin = orInfinity('sMin');
    d.psMin = orInfinity('psMin');
    d.seen = savedNumber(d.name, m, 'seen');
    d.drifted = m.drifted === true;
    return d;
  }

  private restart(): void {
    this.n = 0;
    this.p = 0;
    this.pMin = Infinity;
    this.sMin = Infinity;
    this.psMin = Infinity;
    this.drifted = false;
  }
}
