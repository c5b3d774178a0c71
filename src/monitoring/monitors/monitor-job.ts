/**
 * The `monitor` job kind: one run of one monitor, as the scheduler submits it (`{monitor, at}`: the due
 * time the window ends at) or as `kiln monitor run --async` would. Whichever process runs jobs (`kiln
 * server`, `kiln worker`, embedded pool or Redis) runs it in the job's project; the result is the run's
 * id, status and point count (the points themselves are in `metadata.monitors`).
 */
import { UsageError } from '../../core/errors.js';
import type { JobHandler } from '../../jobs/job-handler.js';
import type { MonitorService } from './monitor-service.js';

/** The job kind. */
export const MONITOR_JOB_KIND = 'monitor';

/** What a `monitor` job carries. */
export interface MonitorJobPayload {
  readonly monitor: string;
  /** The end of the window (ISO-8601); absent: when the job starts. */
  readonly at?: string;
}

/** Check a payload from the queue (anything). */
export function parseMonitorJobPayload(payload: unknown): MonitorJobPayload {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new UsageError('a monitor job payload is an object with monitor (and at)', { field: 'payload' });
  const p = payload as Record<string, unknown>;
  const extra = Object.keys(p).find((k) => k !== 'monitor' && k !== 'at');
  if (extra !== undefined) throw new UsageError(`a monitor job payload has no field "${extra.slice(0, 64)}"`, { field: extra.slice(0, 64) });
  if (typeof p.monitor !== 'string' || p.monitor === '') throw new UsageError('monitor must be a monitor name', { field: 'monitor' });
  if (p.at !== undefined && (typeof p.at !== 'string' || !Number.isFinite(Date.parse(p.at)))) throw new UsageError('at must be an ISO-8601 time', { field: 'at' });
  return { monitor: p.monitor, ...(p.at !== undefined ? { at: p.at as string } : {}) };
}

/** The `monitor` handler over the monitor service. */
export function monitorJobHandler(monitors: MonitorService): JobHandler {
  return async (ctx) => {
    const payload = parseMonitorJobPayload(ctx.payload);
    ctx.progress(0, `running monitor ${payload.monitor}`);
    const run = await monitors.inProject(ctx.project).run(payload.monitor, payload.at !== undefined ? { at: payload.at } : {});
    ctx.log(`monitor ${run.monitor}: ${run.status}, ${run.points.length} points, window [${run.windowStart}, ${run.windowEnd})`);
    for (const note of run.notes.slice(0, 50)) ctx.log(note);
    ctx.progress(1, run.status);
    return { runId: run.runId, monitor: run.monitor, status: run.status, points: run.points.length, windowStart: run.windowStart, windowEnd: run.windowEnd };
  };
}
