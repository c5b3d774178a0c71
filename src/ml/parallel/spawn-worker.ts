/**
 * Starts a worker thread from a module URL. Under vitest/tsx the sources are `.ts`, which a bare worker
 * cannot load, so those workers get tsx's loader (`--import tsx`); compiled `.js` from dist/ starts
 * plainly.
 */
import { Worker } from 'node:worker_threads';

/** Spawn a worker for `moduleUrl` (a sibling module's `new URL('./x.js', import.meta.url)`). */
export function spawnWorker(moduleUrl: URL, workerData: unknown): Worker {
  let url = moduleUrl;
  const fromTs = import.meta.url.endsWith('.ts');
  if (fromTs && url.pathname.endsWith('.js')) url = new URL(url.href.replace(/\.js$/, '.ts'));
  const execArgv = url.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return new Worker(url, { workerData, execArgv });
}
