/**
 * Starts a worker thread from a module URL. Under vitest/tsx the sources are `.ts`, which a bare worker
 * cannot load. On Node 20 neither `execArgv: ['--import', 'tsx']` nor registering tsx's ESM hooks
 * inside the worker takes effect (measured: "Unknown file extension .ts"), so such workers boot through
 * tsx's in-thread CommonJS hook, which compiles the ESM sources on require. Compiled `.js` from dist/
 * starts plainly.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Transferable } from 'node:worker_threads';

/**
 * Spawn a worker for `moduleUrl` (a sibling module's `new URL('./x.js', import.meta.url)`);
 * `transferList` moves buffers of `workerData` to the worker instead of copying them.
 */
export function spawnWorker(moduleUrl: URL, workerData: unknown, transferList?: readonly Transferable[]): Worker {
  let url = moduleUrl;
  if (import.meta.url.endsWith('.ts') && url.pathname.endsWith('.js')) url = new URL(url.href.replace(/\.js$/, '.ts'));
  const transfer = transferList && transferList.length > 0 ? { transferList: [...transferList] } : {};
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData, ...transfer });
  const api = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const boot = `const api = require(${JSON.stringify(api)}); api.register(); require(${JSON.stringify(fileURLToPath(url))});`;
  return new Worker(boot, { eval: true, workerData, ...transfer });
}
