/**
 * `kiln server`: the control-plane HTTP API on the embedded default (port 7070).
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { openKiln } from '../../kiln.js';
import { startServer } from '../../server/start-server.js';
import type { CliContext } from '../main.js';

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
      const kiln = await openKiln({ ...(port !== undefined ? { port } : {}), ...(flags.host ? { host: flags.host } : {}) });
      const server = await startServer(kiln);
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
