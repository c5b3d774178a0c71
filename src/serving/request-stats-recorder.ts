/**
 * Request outcomes of every endpoint, counted on the request path and flushed to `metadata.requestStats`:
 * answered, client errors (4xx) and server errors (5xx) per project x endpoint x variant x minute. The request
 * path only bumps a counter in nested maps keyed by names the routing table already holds (no key strings are
 * built, nothing awaited, not even a clock read: the current minute is a field a timer moves at each minute
 * boundary, since `Date.now()` allocates a heap number per call); a flush adds the counts to this process's row of
 * each minute in one transaction per project. The same pattern as the rollout recorder (`rollout/variant-metrics-recorder.ts`), kept apart because
 * that one writes wide per-flush rows for endpoints under rollout only, and this one counts all traffic into
 * narrow per-minute rows. A failed flush keeps nothing (counted in `lost`): monitors then see less traffic,
 * never invented traffic. Buckets older than the retention are pruned about once an hour.
 */
import type { MetadataStore } from '../store/metadata-store.js';
import type { EndpointRequestStatsRow } from '../store/endpoint-request-stats-repository.js';
import { REQUEST_STATS_BUCKET_MS } from '../store/endpoint-request-stats-repository.js';

/** How a request ended. */
export type RequestOutcome = 'answered' | 'client_error' | 'server_error';

/** What the request path calls (`InferenceService`); must be cheap and never throw. */
export interface RequestOutcomeCounter {
  /** Count one request of `endpoint`'s `variant` ('' when no variant was reached). */
  count(project: string, endpoint: string, variant: string, outcome: RequestOutcome): void;
}

/** Options of the recorder. */
export interface RequestStatsRecorderOptions {
  readonly metadata: MetadataStore;
  /** Names this process in its rows. */
  readonly writer: string;
  /** How often counts are written (default 5000 ms). */
  readonly flushMs?: number;
  /** How long buckets are kept (default 30 days). */
  readonly retentionMs?: number;
  readonly log?: { warn(obj: object, msg: string): void };
  /** The clock (tests). */
  readonly now?: () => number;
}

/** Default retention of request stats buckets. */
export const REQUEST_STATS_RETENTION_MS = 30 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 3600 * 1000;

/** One variant's counts in one bucket. */
class Counts {
  answered = 0;
  clientErrors = 0;
  serverErrors = 0;
  constructor(readonly bucket: number) {}
}

interface Sealed {
  readonly project: string;
  readonly endpoint: string;
  readonly variant: string;
  readonly counts: Counts;
}

type Pending = Map<string, Map<string, Map<string, Counts>>>;

/** Counts request outcomes per endpoint variant and flushes them to the store. */
export class RequestStatsRecorder implements RequestOutcomeCounter {
  private pending: Pending = new Map();
  /** Counts of a bucket that ended before the flush (a variant's next request started a new minute). */
  private sealed: Sealed[] = [];
  private timer: NodeJS.Timeout | null = null;
  private minuteTimer: NodeJS.Timeout | null = null;
  private lastPrune = 0;
  private readonly now: () => number;
  /** Start of the current minute (epoch ms), moved by `tick`. */
  private bucket: number;
  /** Rows lost to failed flushes. */
  lost = 0;

  constructor(private readonly opts: RequestStatsRecorderOptions) {
    this.now = opts.now ?? Date.now;
    this.bucket = this.bucketOf(this.now());
  }

  private bucketOf(t: number): number {
    return t - (t % REQUEST_STATS_BUCKET_MS);
  }

  /** Re-read the clock for the current minute (the minute timer calls it at each boundary; tests after moving the clock). */
  tick(): void {
    this.bucket = this.bucketOf(this.now());
  }

  count(project: string, endpoint: string, variant: string, outcome: RequestOutcome): void {
    const bucket = this.bucket;
    let endpoints = this.pending.get(project);
    if (!endpoints) this.pending.set(project, (endpoints = new Map()));
    let variants = endpoints.get(endpoint);
    if (!variants) endpoints.set(endpoint, (variants = new Map()));
    let c = variants.get(variant);
    if (!c || c.bucket !== bucket) {
      if (c) this.sealed.push({ project, endpoint, variant, counts: c });
      variants.set(variant, (c = new Counts(bucket)));
    }
    if (outcome === 'answered') c.answered++;
    else if (outcome === 'client_error') c.clientErrors++;
    else c.serverErrors++;
  }

  /** Flush every `flushMs` in the background. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush().catch((err: unknown) => this.opts.log?.warn({ err }, 'request stats flush failed')), this.opts.flushMs ?? 5000).unref();
    this.armMinute();
  }

  /** Move to the next minute at its boundary (a timer fires a little late: requests in those ms count in the minute before). */
  private armMinute(): void {
    this.tick();
    const t = this.now();
    this.minuteTimer = setTimeout(() => this.armMinute(), this.bucketOf(t) + REQUEST_STATS_BUCKET_MS - t + 1).unref();
  }

  /** Stop the timers and flush what is left (a failure is logged, not thrown: shutdown goes on). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.minuteTimer) clearTimeout(this.minuteTimer);
    this.timer = null;
    this.minuteTimer = null;
    await this.flush().catch((err: unknown) => this.opts.log?.warn({ err }, 'request stats flush failed'));
  }

  /** Write what was counted since the last flush (one transaction per project), then prune if an hour has passed. */
  async flush(): Promise<void> {
    this.tick();
    const batch = this.pending;
    const sealed = this.sealed;
    this.pending = new Map();
    this.sealed = [];
    const byProject = new Map<string, EndpointRequestStatsRow[]>();
    const push = (project: string, endpoint: string, variant: string, c: Counts): void => {
      let rows = byProject.get(project);
      if (!rows) byProject.set(project, (rows = []));
      rows.push({ endpoint, variant, writer: this.opts.writer, bucket: c.bucket, answered: c.answered, clientErrors: c.clientErrors, serverErrors: c.serverErrors });
    };
    for (const s of sealed) push(s.project, s.endpoint, s.variant, s.counts);
    for (const [project, endpoints] of batch) for (const [endpoint, variants] of endpoints) for (const [variant, c] of variants) push(project, endpoint, variant, c);
    let failure: unknown = null;
    for (const [project, rows] of byProject) {
      try {
        await this.opts.metadata.inProject(project).requestStats.add(rows);
      } catch (err) {
        this.lost += rows.length;
        failure ??= err;
      }
    }
    const t = this.now();
    if (t - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = t;
      try {
        await this.opts.metadata.requestStats.prune(t - (this.opts.retentionMs ?? REQUEST_STATS_RETENTION_MS));
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== null) throw failure;
  }
}
