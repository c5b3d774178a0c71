/**
 * `kiln serve --workers N`: N worker processes sharing one port through `node:cluster` (the primary
 * accepts and hands connections round-robin). Each worker re-runs the same command and serves on its own
 * (own model cache, own polling), so a crash takes out only that worker; the primary replaces any worker
 * that exits unasked. SIGTERM/SIGINT on the primary drains every worker (each closes gracefully) and then
 * exits.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';

/** Whether this process is a cluster worker (it should serve). */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** A worker done serving closes its channel to the primary (which otherwise keeps the process alive). */
export function leaveCluster(): void {
  if (cluster.isWorker) cluster.worker?.disconnect();
}

/** What the primary reports. */
export interface ClusterEvents {
  /** All workers listen (once), with the address of the first. */
  onListening(address: { address: string; port: number }): void;
  /** A worker died unasked and was replaced. */
  onReplaced(pid: number | undefined, code: number | null, signal: string | null): void;
}

/** Run the primary: fork `workers`, keep that many alive, drain on SIGTERM/SIGINT. Resolves after the drain. */
export function runClusterPrimary(workers: number, events: ClusterEvents): Promise<void> {
  let stopping = false;
  let listening = 0;
  let announced = false;
  const fork = (): Worker => {
    const w = cluster.fork();
    w.once('listening', (address: { address: string; port: number }) => {
      listening++;
      if (!announced && listening >= workers) {
        announced = true;
        events.onListening(address);
      }
    });
    return w;
  };
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    events.onReplaced(w.process.pid, code, signal);
    fork();
  });
  return new Promise((done) => {
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
      if (alive.length === 0) return done();
      let left = alive.length;
      for (const w of alive) {
        w.once('exit', () => {
          if (--left === 0) done();
        });
        w.process.kill('SIGTERM');
      }
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
