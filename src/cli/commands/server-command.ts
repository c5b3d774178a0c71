/**
 * `kiln server`: the control-plane HTTP API on the embedded default (port 7070).
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../main.js';
import { prepareKilnHome } from '../with-kiln.js';

/** Register `kiln server`. */
export function registerServerCommand(program: Command, ctx: CliContext): void {
  program
    .command('server')
    .description('run the Kiln HTTP API (health, datasets, profile, validate; OpenAPI at /openapi.json)')
    .option('--port <n>', 'port (default: KILN_PORT or 7070)')
    .option('--host <host>', 'interface to bind (default: KILN_HOST or 127.0.0.1)')
    .action(async (flags: { port?: string; host?: string }) => {
      const port = flags.port !== undefined ? Number(flags.port) : undefined;
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port must be 0-65535 (got "${flags.port}")`, { field: 'port' });
      await prepareKilnHome();
      const { openKiln } = await import('../../kiln.js');
      const { startServer } = await import('../../server/start-server.js');
      const kiln = await openKiln({ ...(port !== undefined ? { port } : {}), ...(flags.host ? { host: flags.host } : {}) });
      let server;
      try {
        server = await startServer(kiln);
      } catch (err) {
        await kiln.close();
        const code = (err as NodeJS.ErrnoException).code;
        const where = `${kiln.config.host}:${kiln.config.port}`;
        if (code === 'EADDRINUSE') throw new UsageError(`port ${kiln.config.port} is already in use (${where})`, { field: 'port' }, 'Stop the other process or pass another --port (0 picks a free one).');
        if (code === 'EACCES') throw new UsageError(`not allowed to listen on ${where}`, { field: 'port' }, 'Ports below 1024 need privileges; pick a higher --port.');
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on ${where}: no such local address`, { field: 'host' }, 'Pass --host 127.0.0.1 or 0.0.0.0.');
        throw err;
      }
      ctx.io.err(`kiln server listening on ${server.url} (KILN_HOME=${kiln.config.home}, metadata: ${kiln.metadata.dialect})\n`);
      await new Promise<void>((done) => {
        const stop = (): void => {
          void server.close().then(() => kiln.close()).then(done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
