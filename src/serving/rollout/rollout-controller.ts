/**
 * Runs the rollout state machines in a serving process. Every tick it reads the running rollouts and, for
 * each, tries to take its lease (compare-and-set on the row: free, expired, or already ours); the one
 * process that holds it calls `RolloutService.advance`. Other processes only serve and record metrics.
 * A process that dies loses its leases when they expire, and another picks the rollout up where the row
 * says it is (state lives in the database, never in memory), so rollouts survive restarts.
 */
import { ConflictError } from '../../core/errors.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { RolloutService } from './rollout-service.js';

/** Metric rows are kept this long (reports read them). */
const METRICS_RETENTION_MS = 30 * 24 * 3_600_000;

/** Options of the controller. */
export interface RolloutControllerOptions {
  readonly service: RolloutService;
  readonly metadata: MetadataStore;
  /** This process's id (lease owner). */
  readonly owner: string;
  /** How often rollouts are advanced (default 1000 ms). */
  readonly tickMs?: number;
  /** How long a lease lasts without renewal (default 10 ticks). */
  readonly leaseMs?: number;
  /** Runs before each tick (the process flushes its own metrics, so its latest traffic counts). */
  readonly beforeTick?: () => Promise<void>;
  readonly log?: { warn(obj: object, msg: string): void };
}

/** Advances the rollouts whose lease this process holds. */
export class RolloutController {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private ticks = 0;
  /** Ticks in which this process advanced at least one rollout. */
  advanced = 0;

  constructor(private readonly opts: RolloutControllerOptions) {}

  /** Tick every `tickMs`. */
  start(): void {
    const every = this.opts.tickMs ?? 1000;
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  /** Stop ticking and wait for a tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** One pass over the running rollouts (one at a time per process). */
  tick(): Promise<void> {
    this.ticking ??= this.doTick()
      .catch((err: unknown) => this.opts.log?.warn({ err }, 'rollout tick failed'))
      .finally(() => {
        this.ticking = null;
      });
    return this.ticking;
  }

  private async doTick(): Promise<void> {
    const leaseMs = this.opts.leaseMs ?? 10 * (this.opts.tickMs ?? 1000);
    await this.opts.beforeTick?.().catch((err: unknown) => this.opts.log?.warn({ err }, 'rollout metrics flush failed'));
    const running = await this.opts.metadata.rollouts.listRunning();
    let any = false;
    for (const r of running) {
      const repo = this.opts.metadata.inProject(r.project).rollouts;
      if (!(await repo.claim(r.id, this.opts.owner, Date.now(), leaseMs))) continue;
      // Re-read after claiming: another process may have moved it between the list and the claim.
      const fresh = await repo.get(r.id);
      if (!fresh || fresh.status !== 'running') continue;
      try {
        await this.opts.service.advance(fresh, `system:rollout:${this.opts.owner}`);
        any = true;
      } catch (err) {
        // A person promoted or rolled back meanwhile: the row moved on; nothing to do.
        if (!(err instanceof ConflictError)) this.opts.log?.warn({ err, rollout: r.id, endpoint: r.endpoint }, 'rollout advance failed');
      }
    }
    if (any) this.advanced++;
    if (++this.ticks % 3600 === 1) await this.opts.metadata.rolloutMetrics.prune(Date.now() - METRICS_RETENTION_MS);
  }
}
