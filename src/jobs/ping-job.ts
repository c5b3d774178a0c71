/**
 * The `ping` job kind: answers which worker ran it, after an optional delay (`{ "delayMs": N }`, at most
 * 10 minutes, honouring cancellation). It checks a worker deployment end to end (submit, delivery,
 * heartbeats, result) without touching data, and is what bench/jobs measures the queue's overhead with.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../core/errors.js';
import type { JsonValue } from '../store/job-repository.js';
import type { JobContext, JobHandler } from './job-handler.js';

/** The kind's name. */
export const PING_JOB_KIND = 'ping';
const MAX_DELAY_MS = 600_000;

/** The `ping` handler; `workerId` names the process that runs it. */
export function pingJobHandler(workerId: () => string | null): JobHandler {
  return async (ctx: JobContext): Promise<JsonValue> => {
    const p = ctx.payload;
    let delayMs = 0;
    if (p !== null && typeof p === 'object' && !Array.isArray(p) && 'delayMs' in p) {
      const d = p.delayMs;
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0 || d > MAX_DELAY_MS) throw new UsageError(`delayMs must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`, { field: 'delayMs' });
      delayMs = d;
    }
    if (delayMs > 0) {
      ctx.log(`waiting ${delayMs} ms`);
      ctx.progress(0, 'waiting');
      await sleep(delayMs, undefined, { signal: ctx.signal });
    }
    return { pong: true, worker: workerId(), attempt: ctx.attempt };
  };
}
