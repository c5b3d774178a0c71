/**
 * ADWIN, adaptive windowing (Bifet & Gavaldà 2007), as river's `drift.ADWIN`: the window is kept as an
 * exponential histogram (rows of at most `maxBuckets` buckets; row i holds buckets of 2^i observations
 * with their total and variance). Every `clock` observations, once more than `gracePeriod` have arrived,
 * each cut of the window into an older W0 and a newer W1 (both at least `minWindowLength` long) is tested:
 * |μ0 − μ1| > ε_cut with ε_cut = sqrt(2·m·σ²_W·δ') + (2/3)·δ'·m, δ' = ln(2·ln|W|/δ) and
 * m = 1/(n0 − minWindowLength + 1) + 1/(n1 − minWindowLength + 1). On a significant cut the oldest
 * bucket is dropped and the test repeats; the observation that triggered it reports `drift`.
 * Like river, the scan visits every bucket of a row but its newest, and ADWIN has no warning zone.
 */
import { InputError } from '../../core/errors.js';
import { requireFiniteObservation, requireParameter, savedNumber, type ConceptDetectorState, type ConceptDriftDetector, type ConceptDriftSignal } from './concept-detector.js';

/** ADWIN parameters (river's defaults). */
export interface AdwinOptions {
  /** Confidence δ of the cut test (0.002). */
  readonly delta?: number;
  /** Test for a cut every this many observations (32). */
  readonly clock?: number;
  /** Buckets per row before two are merged (5). */
  readonly maxBuckets?: number;
  /** Minimum length of each sub-window (5). */
  readonly minWindowLength?: number;
  /** No test before this many observations (10). */
  readonly gracePeriod?: number;
}

/** One row of the exponential histogram: buckets of equal size, oldest first. */
class BucketRow {
  readonly totals: Float64Array;
  readonly variances: Float64Array;
  count = 0;

  constructor(capacity: number) {
    this.totals = new Float64Array(capacity + 1);
    this.variances = new Float64Array(capacity + 1);
  }

  push(total: number, variance: number): void {
    this.totals[this.count] = total;
    this.variances[this.count] = variance;
    this.count++;
  }

  /** Drops the `k` oldest buckets. */
  shift(k: number): void {
    this.totals.copyWithin(0, k);
    this.variances.copyWithin(0, k);
    this.totals.fill(0, this.totals.length - k);
    this.variances.fill(0, this.variances.length - k);
    this.count -= k;
  }
}

/** ADWIN over a numeric stream (an error indicator or a loss). */
export class Adwin implements ConceptDriftDetector {
  readonly name = 'adwin';
  private readonly delta: number;
  private readonly clock: number;
  private readonly maxBuckets: number;
  private readonly minWindowLength: number;
  private readonly gracePeriod: number;
  private rows: BucketRow[] = [];
  private total = 0;
  private variance = 0;
  private widthValue = 0;
  private tick = 0;
  private seen = 0;

  constructor(options: AdwinOptions = {}) {
    this.delta = options.delta ?? 0.002;
    this.clock = options.clock ?? 32;
    this.maxBuckets = options.maxBuckets ?? 5;
    this.minWindowLength = options.minWindowLength ?? 5;
    this.gracePeriod = options.gracePeriod ?? 10;
    requireParameter(this.name, 'delta', this.delta, this.delta > 0 && this.delta < 1, 'in (0, 1)');
    requireParameter(this.name, 'clock', this.clock, Number.isInteger(this.clock) && this.clock >= 1, 'an integer >= 1');
    requireParameter(this.name, 'maxBuckets', this.maxBuckets, Number.isInteger(this.maxBuckets) && this.maxBuckets >= 2, 'an integer >= 2');
    requireParameter(this.name, 'minWindowLength', this.minWindowLength, Number.isInteger(this.minWindowLength) && this.minWindowLength >= 1, 'an integer >= 1');
    requireParameter(this.name, 'gracePeriod', this.gracePeriod, Number.isInteger(this.gracePeriod) && this.gracePeriod >= 0, 'an integer >= 0');
    this.reset();
  }

  /** Current window length (observations kept). */
  get width(): number {
    return this.widthValue;
  }

  /** Mean of the current window (the error-rate estimate). */
  get estimation(): number {
    return this.widthValue === 0 ? 0 : this.total / this.widthValue;
  }

  /** Feeds one value; `drift` when a cut of the window is significant. */
  update(x: number): ConceptDriftSignal {
    requireFiniteObservation(this.name, x, this.seen);
    this.seen++;
    this.insert(x);
    return this.detect() ? 'drift' : 'none';
  }

  /** Forgets everything seen so far. */
  reset(): void {
    this.rows = [new BucketRow(this.maxBuckets)];
    this.total = 0;
    this.variance = 0;
    this.widthValue = 0;
    this.tick = 0;
    this.seen = 0;
  }

  /** Options, totals and the bucket rows as plain JSON. */
  state(): ConceptDetectorState {
    return {
      detector: this.name,
      options: { delta: this.delta, clock: this.clock, maxBuckets: this.maxBuckets, minWindowLength: this.minWindowLength, gracePeriod: this.gracePeriod },
      memory: {
        total: this.total,
        variance: this.variance,
        width: this.widthValue,
        tick: this.tick,
        seen: this.seen,
        rows: this.rows.map((r) => ({ totals: Array.from(r.totals.subarray(0, r.count)), variances: Array.from(r.variances.subarray(0, r.count)) })),
      },
    };
  }

  /** A detector that continues from a saved state. */
  static fromState(saved: ConceptDetectorState): Adwin {
    const d = new Adwin(saved.options);
    const m = saved.memory;
    d.total = savedNumber(d.name, m, 'total');
    d.variance = savedNumber(d.name, m, 'variance');
    d.widthValue = savedNumber(d.name, m, 'width');
    d.tick = savedNumber(d.name, m, 'tick');
    d.seen = savedNumber(d.name, m, 'seen');
    const rows = m.rows;
    if (!Array.isArray(rows) || rows.length === 0) throw new InputError('adwin: saved state has no bucket rows; the state is corrupt, start a fresh detector', { field: 'rows' });
    d.rows = rows.map((r: { totals?: unknown; variances?: unknown }, i) => {
      const totals = r.totals;
      const variances = r.variances;
      const ok = (a: unknown): a is number[] => Array.isArray(a) && a.length <= d.maxBuckets && a.every((v) => typeof v === 'number' && Number.isFinite(v));
      if (!ok(totals) || !ok(variances) || totals.length !== variances.length) {
        throw new InputError(`adwin: saved bucket row ${i} is malformed; the state is corrupt, start a fresh detector`, { field: 'rows', row: i });
      }
      const row = new BucketRow(d.maxBuckets);
      totals.forEach((t, k) => row.push(t, variances[k]));
      return row;
    });
    return d;
  }

  private insert(x: number): void {
    this.rows[0].push(x, 0);
    this.widthValue++;
    if (this.widthValue > 1) {
      const d = x - this.total / (this.widthValue - 1);
      this.variance += ((this.widthValue - 1) * d * d) / this.widthValue;
    }
    this.total += x;
    this.compress();
  }

  /** Merges the two oldest buckets of a full row into the next row, cascading. */
  private compress(): void {
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i];
      if (row.count !== this.maxBuckets + 1) return;
      if (i + 1 === this.rows.length) this.rows.push(new BucketRow(this.maxBuckets));
      const next = this.rows[i + 1];
      const size = 2 ** i;
      const mu1 = row.totals[0] / size;
      const mu2 = row.totals[1] / size;
      const between = (size * size * (mu1 - mu2) * (mu1 - mu2)) / (size + size);
      next.push(row.totals[0] + row.totals[1], row.variances[0] + row.variances[1] + between);
      row.shift(2);
      if (next.count <= this.maxBuckets) return;
    }
  }

  /** Drops the oldest bucket; returns its size. */
  private dropOldest(): number {
    const last = this.rows.length - 1;
    const row = this.rows[last];
    const n = 2 ** last;
    const u = row.totals[0];
    const mu = u / n;
    const v = row.variances[0];
    this.widthValue -= n;
    this.total -= u;
    const muWindow = this.total / this.widthValue;
    this.variance -= v + (n * this.widthValue * (mu - muWindow) * (mu - muWindow)) / (n + this.widthValue);
    row.shift(1);
    if (row.count === 0) this.rows.pop();
    return n;
  }

  private detect(): boolean {
    let changed = false;
    this.tick++;
    if (this.tick % this.clock !== 0 || this.widthValue <= this.gracePeriod) return false;
    let reduce = true;
    while (reduce) {
      reduce = false;
      let done = false;
      let n0 = 0;
      let n1 = this.widthValue;
      let u0 = 0;
      let u1 = this.total;
      for (let i = this.rows.length - 1; i >= 0 && !done; i--) {
        const row = this.rows[i];
        const size = 2 ** i;
        for (let k = 0; k < row.count - 1; k++) {
          n0 += size;
          n1 -= size;
          u0 += row.totals[k];
          u1 -= row.totals[k];
          if (n1 >= this.minWindowLength && n0 >= this.minWindowLength && this.significantCut(n0, n1, u0 / n0 - u1 / n1)) {
            reduce = true;
            changed = true;
            if (this.widthValue > 0) this.dropOldest();
            done = true;
            break;
          }
        }
      }
    }
    return changed;
  }

  private significantCut(n0: number, n1: number, deltaMean: number): boolean {
    const deltaPrime = Math.log((2 * Math.log(this.widthValue)) / this.delta);
    const m = 1 / (n0 - this.minWindowLength + 1) + 1 / (n1 - this.minWindowLength + 1);
    const epsilon = Math.sqrt(2 * m * (this.variance / this.widthValue) * deltaPrime) + (2 / 3) * deltaPrime * m;
    return Math.abs(deltaMean) > epsilon;
  }
}
