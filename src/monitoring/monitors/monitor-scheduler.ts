/**
 * The monitor scheduler: every tick (30 s by default) it reads the scheduled monitors of every project and,
 * for each whose latest due time (`previousCronTime(now)`) is after its stored position, moves the
 * position there by compare-and-set and submits ONE `monitor` job for that due time. So a scheduler that was
 * down for n due times submits a single run (the latest) when it comes back, not n; and of several
 * schedulers (`kiln server` and `kiln worker`s on one store) only the one whose compare-and-set wins submits.
 * The jobs run wherever jobs run (embedded pool or Redis workers).
 */
import type { JobService } from '../../jobs/job-service.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { parseCron, previousCronTime } from './cron-schedule.js';
import { MONITOR_JOB_KIND } from './monitor-job.js';

const SCHEDULER = { actor: 'system:monitor-scheduler', kind: 'local', grants: [], superuser: true } as const;

/** Options of the scheduler. */
export interface MonitorSchedulerOptions {
  /** Milliseconds between ticks (default 30,000). */
  readonly intervalMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
  readonly warn?: (message: string) => void;
}

/** What one tick did. */
export interface SchedulerTick {
  /** `project/monitor@dueTime` of every job submitted. */
  readonly submitted: readonly string[];
}

/** Submits due monitor runs as jobs. */
export class MonitorScheduler {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<SchedulerTick> | null = null;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly jobs: JobService,
    private readonly options: MonitorSchedulerOptions = {},
  ) {}

  /** Whether `start` was called (and not `close`). */
  get running(): boolean {
    return this.timer !== null;
  }

  /** Tick now and then every interval. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick().catch((err: unknown) => this.warn(`scheduler tick failed: ${err instanceof Error ? err.message : String(err)}`)), this.options.intervalMs ?? 30_000);
    this.timer.unref();
    void this.tick().catch((err: unknown) => this.warn(`scheduler tick failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** One pass over the scheduled monitors (ticks never overlap). */
  tick(): Promise<SchedulerTick> {
    this.ticking ??= this.pass().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async pass(): Promise<SchedulerTick> {
    const now = (this.options.now ?? Date.now)();
    const submitted: string[] = [];
    for (const m of await this.metadata.monitors.scheduled()) {
      try {
        if (!m.schedule) continue;
        const due = previousCronTime(parseCron(m.schedule), now);
        if (due === null) continue;
        const dueIso = new Date(due).toISOString();
        if (m.lastScheduledAt !== null && Date.parse(m.lastScheduledAt) >= due) continue;
        if (!(await this.metadata.inProject(m.project).monitors.claimSchedule(m.name, m.lastScheduledAt, dueIso))) continue;
        try {
          await this.jobs.submit({ kind: MONITOR_JOB_KIND, project: m.project, payload: { monitor: m.name, at: dueIso } }, { actor: SCHEDULER });
        } catch (err) {
          // Hand the due time back so the next tick tries again (the queue may be down for a moment).
          await this.metadata.inProject(m.project).monitors.claimSchedule(m.name, dueIso, m.lastScheduledAt);
          throw err;
        }
        submitted.push(`${m.project}/${m.name}@${dueIso}`);
      } catch (err) {
        this.warn(`could not schedule monitor ${m.project}/${m.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { submitted };
  }

  /** Stop ticking and wait for a tick in progress. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => undefined);
  }

  private warn(message: string): void {
    (this.options.warn ?? ((m: string) => void process.stderr.write(`kiln monitors: ${m}\n`)))(message);
  }
}
