/**
 * One process at a time per study: the study's run carries its owner (`host:pid`) and a heartbeat. A
 * study whose owner is alive (same host: the pid exists; another host: a heartbeat under a minute old)
 * is refused with a ConflictError; a dead owner's study is taken over (that is how a crashed study resumes).
 */
import { hostname } from 'node:os';
import { ConflictError } from '../../core/errors.js';
import type { TrackingService } from '../../tracking/tracking-service.js';
import { STUDY_TAGS } from './study-spec.js';

/** A remote owner whose heartbeat is older than this is presumed dead. */
const STALE_MS = 60_000;
/** How often the owner refreshes its heartbeat. */
const HEARTBEAT_MS = 15_000;

/** This process as an owner. */
export function selfOwner(): string {
  return `${hostname()}:${process.pid}`;
}

function alive(owner: string, heartbeat: string | undefined, now: number): boolean {
  const at = owner.lastIndexOf(':');
  const host = owner.slice(0, at);
  const pid = Number(owner.slice(at + 1));
  if (host === hostname() && Number.isSafeInteger(pid) && pid > 0) {
    if (pid === process.pid) return true;
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      // EPERM: the process exists but belongs to someone else.
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  const beat = heartbeat ? Date.parse(heartbeat) : NaN;
  return Number.isFinite(beat) && now - beat < STALE_MS;
}

/** Refuses a study that a live process is running (only runs still `running` can have a live owner). */
export function checkNotOwned(study: string, status: string, tags: Readonly<Record<string, string>>): void {
  const owner = tags[STUDY_TAGS.owner];
  if (status !== 'running' || !owner) return;
  if (alive(owner, tags[STUDY_TAGS.heartbeat], Date.now())) {
    throw new ConflictError(`study "${study}" is being run by process ${owner}`, { field: 'study', study, owner }, 'Wait for it to finish or stop it; a study whose process died resumes with the same command.');
  }
}

/** Takes ownership and keeps the heartbeat fresh until `stop()`. */
export async function holdStudy(tracking: TrackingService, runId: string): Promise<{ stop(): void }> {
  await tracking.setTags(runId, { [STUDY_TAGS.owner]: selfOwner(), [STUDY_TAGS.heartbeat]: new Date().toISOString() });
  const timer = setInterval(() => {
    // A missed beat only makes another host's takeover possible sooner; it never fails the study.
    tracking.setTags(runId, { [STUDY_TAGS.heartbeat]: new Date().toISOString() }).catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
