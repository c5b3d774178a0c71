/**
 * Failed authentication per source address: after `maxFailures` in a minute the address is refused with
 * 429 before any token is checked (guessing a 256-bit secret is hopeless anyway; this keeps the scrypt
 * cost and the log bounded). The audit log gets at most two entries per address per minute — the first
 * failure (with the previous window's count) and the moment blocking starts — so a flood cannot fill it.
 */

/** What happened to one failed attempt. */
export interface FailureVerdict {
  /** Write an audit entry for this attempt. */
  readonly audit: boolean;
  /** Failures from this address in the current window, this one included. */
  readonly count: number;
  /** Failures in the address's previous window (reported with the window's first entry). */
  readonly previousWindow: number;
  /** The address just crossed the limit. */
  readonly blockedNow: boolean;
}

interface Window {
  start: number;
  count: number;
  previous: number;
}

const WINDOW_MS = 60_000;
const MAX_TRACKED = 100_000;

/** Counts failed authentications per address in one-minute windows. */
export class AuthFailures {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly maxFailures: number) {}

  /** Whether an address is over its limit now (refuse before checking credentials). */
  blocked(address: string, now = Date.now()): boolean {
    const w = this.windows.get(address);
    return w !== undefined && now - w.start < WINDOW_MS && w.count >= this.maxFailures;
  }

  /** Seconds until an address may try again. */
  retryAfter(address: string, now = Date.now()): number {
    const w = this.windows.get(address);
    return w ? Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000)) : 1;
  }

  /** Record one failure. */
  record(address: string, now = Date.now()): FailureVerdict {
    let w = this.windows.get(address);
    if (!w || now - w.start >= WINDOW_MS) {
      const previous = w && now - w.start < 2 * WINDOW_MS ? w.count : 0;
      if (this.windows.size >= MAX_TRACKED) this.prune(now);
      w = { start: now, count: 0, previous };
      this.windows.set(address, w);
    }
    w.count++;
    return { audit: w.count === 1 || w.count === this.maxFailures, count: w.count, previousWindow: w.previous, blockedNow: w.count === this.maxFailures };
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(k);
    // Still full (a distributed flood): forget the oldest half rather than grow without bound.
    if (this.windows.size >= MAX_TRACKED) for (const k of [...this.windows.keys()].slice(0, MAX_TRACKED / 2)) this.windows.delete(k);
  }
}
