/**
 * `kiln server`: the control-plane HTTP API on the embedded default (port 7070). Authentication is
 * required: the first start (no tokens yet) creates a superuser token and prints it once on stdout, as
 * Jupyter does. `--no-auth` is refused unless bound to loopback, and announced loudly. `--tls-cert` and
 * `--tls-key` serve HTTPS. The server and store are imported inside the action so `kiln --help` stays fast.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../main.js';
import { prepareKilnHome } from '../with-kiln.js';

interface ServerFlags {
  port?: string;
  host?: string;
  auth: boolean;
  tlsCert?: string;
  tlsKey?: string;
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A positive whole number from an environment variable, or undefined when unset. */
function positiveEnv(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(v)) throw new UsageError(`${name} must be a positive whole number (got ${JSON.stringify(v)})`, { field: name });
  return Number(v);
}

async function readPem(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch {
    throw new UsageError(`${flag}: cannot read ${path}`, { field: flag.slice(2) }, 'Pass a PEM file readable by this user.');
  }
}

/** Register `kiln server`. */
export function registerServerCommand(program: Command, ctx: CliContext): void {
  program
    .command('server')
    .description('run the Kiln HTTP API (authenticated; OpenAPI at /openapi.json). The first start prints an admin token')
    .option('--port <n>', 'port (default: KILN_PORT or 7070)')
    .option('--host <host>', 'interface to bind (default: KILN_HOST or 127.0.0.1)')
    .option('--no-auth', 'serve without authentication (only when bound to loopback)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .action(async (flags: ServerFlags) => {
      const port = flags.port !== undefined ? Number(flags.port) : undefined;
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port must be 0-65535 (got "${flags.port}")`, { field: 'port' });
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together', { field: flags.tlsCert ? 'tls-key' : 'tls-cert' });
      const requestsPerMinute = positiveEnv('KILN_RATE_LIMIT');
      const maxFailuresPerMinute = positiveEnv('KILN_AUTH_FAILURE_LIMIT');
      const tls = flags.tlsCert && flags.tlsKey ? { cert: await readPem(flags.tlsCert, '--tls-cert'), key: await readPem(flags.tlsKey, '--tls-key') } : undefined;
      await prepareKilnHome();
      const { openKiln } = await import('../../kiln.js');
      const { startServer } = await import('../../server/start-server.js');
      const { corsOriginsFromEnv } = await import('../../server/secure-headers.js');
      const { localPrincipal } = await import('../../security/security-service.js');
      const kiln = await openKiln({ ...(port !== undefined ? { port } : {}), ...(flags.host ? { host: flags.host } : {}) });
      let server;
      try {
        if (!flags.auth && !isLoopback(kiln.config.host)) {
          throw new UsageError(`--no-auth is only allowed on a loopback address, not ${kiln.config.host}`, { field: 'auth' }, 'Bind to 127.0.0.1 (--host 127.0.0.1), or keep authentication on.');
        }
        server = await startServer(kiln, { auth: { mode: flags.auth ? 'required' : 'off', ...(requestsPerMinute ? { requestsPerMinute } : {}), ...(maxFailuresPerMinute ? { maxFailuresPerMinute } : {}) }, corsOrigins: corsOriginsFromEnv(), ...(tls ? { tls } : {}) });
        // The server runs jobs too (embedded pool, or a BullMQ worker with KILN_REDIS_URL); `kiln worker` adds more.
        await kiln.jobs.start();
        // Scheduled monitor runs are submitted as jobs; several schedulers on one store submit each due run once.
        kiln.monitorScheduler.start();
      } catch (err) {
        await server?.close();
        await kiln.close();
        const code = (err as NodeJS.ErrnoException).code;
        const where = `${kiln.config.host}:${kiln.config.port}`;
        if (code === 'EADDRINUSE') throw new UsageError(`port ${kiln.config.port} is already in use (${where})`, { field: 'port' }, 'Stop the other process or pass another --port (0 picks a free one).');
        if (code === 'EACCES') throw new UsageError(`not allowed to listen on ${where}`, { field: 'port' }, 'Ports below 1024 need privileges; pick a higher --port.');
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on ${where}: no such local address`, { field: 'host' }, 'Pass --host 127.0.0.1 or 0.0.0.0.');
        throw err;
      }
      if (flags.auth) {
        // Created only once the server is listening, so a failed start never consumes the one printing.
        const created = await kiln.security.ensureAdminToken(localPrincipal());
        if (created) ctx.io.out(`\nKiln admin token (shown once; it will not be printed again):\n\n    ${created.token}\n\nUse it as: export KILN_TOKEN=${created.token}\n\n`);
      } else {
        ctx.io.err(`\n!!! WARNING: authentication is OFF (--no-auth). Anyone who can reach ${kiln.config.host} can do anything. !!!\n\n`);
      }
      ctx.io.err(`kiln server listening on ${server.url} (KILN_HOME=${kiln.config.home}, metadata: ${kiln.metadata.dialect}, auth: ${flags.auth ? 'required' : 'OFF'}, encryption at rest: ${kiln.encryption.enabled ? 'on' : 'off'}, jobs: ${kiln.jobs.mode})\n`);
      const running = server;
      await new Promise<void>((done) => {
        const stop = (): void => {
          void running.close().then(() => kiln.close()).then(done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
