/**
 * Optional wall-clock accounting of training phases ("where the time goes"), filled by trainGbdt when
 * a profile object is passed. Timers wrap whole phases, never inner loops.
 */

/** Training phases that are timed. */
export type GbdtPhase = 'binning' | 'gradients' | 'histograms' | 'splitFinding' | 'partition' | 'scoreUpdate' | 'metrics' | 'threadStart' | 'gather';

/** Milliseconds per phase. */
export class GbdtProfile {
  readonly ms: Record<GbdtPhase, number> = { binning: 0, gradients: 0, histograms: 0, splitFinding: 0, partition: 0, scoreUpdate: 0, metrics: 0, threadStart: 0, gather: 0 };

  /** Add the time since `t0` (a performance.now() reading) to a phase; returns now. */
  lap(phase: GbdtPhase, t0: number): number {
    const t = performance.now();
    this.ms[phase] += t - t0;
    return t;
  }
}
