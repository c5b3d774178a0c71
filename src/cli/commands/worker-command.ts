/**
 * `kiln worker [--concurrency N]`: a process that only runs jobs. With `KILN_REDIS_URL` it consumes the
 * BullMQ queue (run any number, on any machine that shares the metadata database and artifact store);
 * without it, it runs the embedded pool over the metadata store (beside or instead of `kiln server`).
 * SIGINT/SIGTERM hand running jobs back (queued again) before it exits.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../main.js';
import { prepareKilnHome } from '../with-kiln.js';

/** Register `kiln worker`. */
export function registerWorkerCommand(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('run background jobs (BullMQ on Redis with KILN_REDIS_URL, else the embedded pool)')
    .option('--concurrency <n>', 'jobs run at once (default: KILN_JOBS_CONCURRENCY or 1)')
    .option('--json', 'print the startup line as JSON')
    .action(async (flags: { concurrency?: string; json?: boolean }) => {
      let concurrency: number | undefined;
      if (flags.concurrency !== undefined) {
        if (!/^\d{1,3}$/.test(flags.concurrency) || Number(flags.concurrency) < 1 || Number(flags.concurrency) > 256) {
          throw new UsageError(`--concurrency must be a whole number from 1 to 256 (got '${flags.concurrency}')`, { field: 'concurrency' });
        }
        concurrency = Number(flags.concurrency);
      }
      await prepareKilnHome();
      const { openKiln } = await import('../../kiln.js');
      const kiln = await openKiln();
      try {
        await kiln.jobs.start(concurrency !== undefined ? { concurrency } : {});
        // Scheduled monitor runs are submitted as jobs; several schedulers on one store submit each due run once.
        kiln.monitorScheduler.start();
      } catch (err) {
        await kiln.close();
        throw err;
      }
      const info = { worker: kiln.jobs.workerId, mode: kiln.jobs.mode, kinds: kiln.jobs.kinds(), metadata: kiln.metadata.dialect, pid: process.pid };
      if (flags.json) ctx.io.out(`${JSON.stringify(info)}\n`);
      else ctx.io.err(`kiln worker ${info.worker} running ${info.kinds.join(', ')} jobs (${info.mode}, metadata: ${info.metadata})\n`);
      await new Promise<void>((done) => {
        const stop = (): void => {
          void kiln.close().then(done, done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
