/**
 * Who runs a job: `<host>:<pid>:<tag>`. The host and pid let a restarted process on the same machine tell
 * at once that the process that held a job is gone (no heartbeat wait); the random tag tells two job
 * services in one process apart, and a reused pid from an older process.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A fresh worker id for this process. */
export function newWorkerId(): string {
  return `${localHost()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** This machine's name as worker ids spell it (no ':'). */
export function localHost(): string {
  return hostname().replace(/:/g, '_') || 'localhost';
}

/** The host and pid of a worker id, or null when it is not one. */
export function parseWorkerId(id: string): { host: string; pid: number } | null {
  const m = /^([^:]+):(\d+):[^:]+$/.exec(id);
  return m ? { host: m[1], pid: Number(m[2]) } : null;
}

/** Whether a process with this pid exists on this machine (EPERM: it exists under another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
