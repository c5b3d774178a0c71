/**
 * Diagnostics of the shared job pool (`KILN_POOL_TRACE=1`, read once per thread): per job kind (job
 * argument 0) the caller's jobs, blocks, wall time in `run`, time in its own blocks and time waiting
 * for workers, and per worker its blocks, busy time and the delay from a job's publication to its
 * first claim attempt. These answer "why do two threads barely help": late workers, idle waits, or
 * serial work between jobs (training wall time minus the pool's run time). Off, it costs one branch
 * per job and no memory.
 */

/** Whether tracing is on in this thread. */
export const POOL_TRACE = typeof process !== 'undefined' && process.env.KILN_POOL_TRACE === '1';
const KINDS = 8;
const WORKERS = 8;
const MAIN_FIELDS = 5;
const WORKER_FIELDS = 4;
const PER_KIND = MAIN_FIELDS + WORKERS * WORKER_FIELDS;
const PUBLISHED = KINDS * PER_KIND;
/** Bytes of shared memory a trace needs. */
export const TRACE_BYTES = POOL_TRACE ? 8 * (PUBLISHED + 1) : 0;

/** Milliseconds on a clock shared by all threads (each thread's `performance.now()` has its own origin). */
function absNow(): number {
  return performance.timeOrigin + performance.now();
}

function kindOf(args: ArrayLike<number>): number {
  const k = args.length > 0 ? args[0] : 0;
  return k >= 0 && k < KINDS ? k : KINDS - 1;
}

/** Trace counters in shared memory; every field has one writer (the caller or one worker). */
export class PoolTrace {
  private readonly t: Float64Array;

  constructor(buffer: ArrayBufferLike, byteOffset: number) {
    this.t = new Float64Array(buffer, byteOffset, PUBLISHED + 1);
  }

  /** The caller publishes a job: returns the time. */
  published(): number {
    return (this.t[PUBLISHED] = absNow());
  }

  /** Time for the caller's own-block / wait accounting. */
  now(): number {
    return absNow();
  }

  /** The caller's job of `args` ran `mine` blocks itself from t0 to t1 and waited until t2. */
  callerJob(args: ArrayLike<number>, mine: number, t0: number, t1: number, t2: number): void {
    const t = this.t;
    const m = kindOf(args) * PER_KIND;
    t[m] += 1;
    t[m + 1] += mine;
    t[m + 2] += t2 - t0;
    t[m + 3] += t1 - t0;
    t[m + 4] += t2 - t1;
  }

  /** Worker `me` starts claiming blocks of a job: returns the offset of its fields and notes the delay. */
  workerSeen(args: ArrayLike<number>, me: number): number {
    if (me >= WORKERS) return -1;
    const t = this.t;
    const o = kindOf(args) * PER_KIND + MAIN_FIELDS + me * WORKER_FIELDS;
    t[o + 2] += 1;
    t[o + 3] += absNow() - t[PUBLISHED];
    return o;
  }

  /** A worker finished a block that it started claiming at `since`; returns now. */
  workerBlock(o: number, since: number): number {
    const te = absNow();
    if (o >= 0) {
      this.t[o] += 1;
      this.t[o + 1] += te - since;
    }
    return te;
  }

  /** The trace as text: one line per job kind that ran, then totals. */
  summary(workers: number): string {
    const t = this.t;
    const lines = ['shared-job-pool trace (kind: jobs, caller blocks, run ms = own + wait; per worker: blocks, busy ms, mean delay from publication to first claim)'];
    const tot = [0, 0, 0, 0, 0];
    const wtot = Array.from({ length: Math.min(workers, WORKERS) }, () => [0, 0]);
    for (let k = 0; k < KINDS; k++) {
      const m = k * PER_KIND;
      if (t[m] === 0) continue;
      for (let i = 0; i < MAIN_FIELDS; i++) tot[i] += t[m + i];
      const ws: string[] = [];
      for (let w = 0; w < wtot.length; w++) {
        const o = m + MAIN_FIELDS + w * WORKER_FIELDS;
        wtot[w][0] += t[o];
        wtot[w][1] += t[o + 1];
        ws.push(`w${w}: ${t[o]} blocks, ${t[o + 1].toFixed(1)} ms, delay ${t[o + 2] > 0 ? ((1000 * t[o + 3]) / t[o + 2]).toFixed(0) : '-'} us (${t[o + 2]} jobs seen)`);
      }
      lines.push(`  kind ${k}: ${t[m]} jobs, ${t[m + 1]} caller blocks, run ${t[m + 2].toFixed(1)} ms = own ${t[m + 3].toFixed(1)} + wait ${t[m + 4].toFixed(1)}; ${ws.join('; ')}`);
    }
    lines.push(`  all: ${tot[0]} jobs, run ${tot[2].toFixed(1)} ms, caller own ${tot[3].toFixed(1)} ms, caller wait ${tot[4].toFixed(1)} ms; ${wtot.map((w, i) => `w${i} ${w[0]} blocks ${w[1].toFixed(1)} ms busy`).join('; ')}`);
    return lines.join('\n') + '\n';
  }
}
