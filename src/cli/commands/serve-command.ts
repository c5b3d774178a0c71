/**
 * `kiln serve`: the inference server (native predict API, Open Inference Protocol v2, /metrics) for every
 * endpoint in the store, on port 8080 by default. Same tokens as `kiln server` (`--no-auth` only on
 * loopback). `--workers N` runs N processes sharing the port (node:cluster); a crashed worker is replaced.
 * Endpoint changes are seen within seconds; SIGTERM drains in-flight requests before exiting.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../main.js';
import { prepareKilnHome } from '../with-kiln.js';
import { isLoopback } from './server-command.js';

interface ServeFlags {
  port: string;
  host: string;
  workers: string;
  auth: boolean;
  modelMemory?: string;
  rateLimit: string;
}

function wholeNumber(v: string, flag: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d{1,6}$/.test(v) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${v.slice(0, 40)}")`, { field: flag.slice(2) });
  return n;
}

/** Register `kiln serve`. */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve every endpoint: POST /v1/endpoints/NAME/predict, Open Inference Protocol v2 (/v2/...), /metrics')
    .option('--port <n>', 'port', '8080')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--workers <n>', 'worker processes sharing the port', '1')
    .option('--model-memory <mib>', 'memory budget of loaded models in MiB (least recently used leave first)')
    .option('--no-auth', 'serve without authentication (only when bound to loopback)')
    // Serving traffic is many requests per caller: the control plane's 1,200/min would throttle one client at 20 rps.
    .option('--rate-limit <per-minute>', 'requests per minute per token (or per address without auth), per worker', '900000')
    .action(async (flags: ServeFlags) => {
      const port = wholeNumber(flags.port, '--port', 0, 65535);
      const workers = wholeNumber(flags.workers, '--workers', 1, 64);
      const requestsPerMinute = wholeNumber(flags.rateLimit, '--rate-limit', 1, 999_999);
      const memoryBudgetBytes = flags.modelMemory !== undefined ? wholeNumber(flags.modelMemory, '--model-memory', 1, 1_000_000) * 1024 * 1024 : undefined;
      if (!flags.auth && !isLoopback(flags.host)) {
        throw new UsageError(`--no-auth is only allowed on a loopback address, not ${flags.host}`, { field: 'auth' }, 'Bind to 127.0.0.1 (--host 127.0.0.1), or keep authentication on.');
      }
      const { isClusterWorker, leaveCluster, runClusterPrimary } = await import('../../serving/serve-cluster.js');
      if (workers > 1 && !isClusterWorker()) {
        await runClusterPrimary(workers, {
          onListening: (a) => ctx.io.err(`kiln serve listening on http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port} (${workers} workers, auth: ${flags.auth ? 'required' : 'OFF'})\n`),
          onReplaced: (pid, code, signal) => ctx.io.err(`worker ${pid ?? '?'} exited (${signal ?? `code ${code}`}); started a replacement\n`),
        });
        return;
      }
      await prepareKilnHome();
      const { openKiln } = await import('../../kiln.js');
      const { startInferenceServer } = await import('../../server/start-inference-server.js');
      const kiln = await openKiln();
      let running;
      try {
        running = await startInferenceServer(kiln, { host: flags.host, port, auth: { mode: flags.auth ? 'required' : 'off', requestsPerMinute }, ...(memoryBudgetBytes ? { memoryBudgetBytes } : {}) });
      } catch (err) {
        await kiln.close();
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is already in use`, { field: 'port' }, 'Stop the other process or pass another --port (0 picks a free one).');
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on ${flags.host}: no such local address`, { field: 'host' });
        throw err;
      }
      if (!flags.auth) ctx.io.err(`\n!!! WARNING: authentication is OFF (--no-auth). Anyone who can reach ${flags.host} can call every endpoint. !!!\n\n`);
      if (!isClusterWorker()) ctx.io.err(`kiln serve listening on ${running.url} (${running.server.runtime.router.all().length} endpoints, auth: ${flags.auth ? 'required' : 'OFF'})\n`);
      const server = running;
      await new Promise<void>((done) => {
        const stop = (): void => {
          void server
            .close()
            .then(() => kiln.close())
            .then(leaveCluster)
            .then(done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
