/**
 * `kiln jobs list | show | logs [--follow] | cancel`: background jobs, thin over `kiln.jobs`. `--json`
 * prints `{ "jobs": [...], "next" }`, `{ "job": {...} }`, `{ "lines": [...], "next" }`; `logs --follow
 * --json` prints one JSON event per line (`{"type":"log"|"progress"|"end", ...}`). `logs --follow` exits 0
 * when the job succeeded and 1 when it failed or was cancelled.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { JobRecord, JobStatus } from '../../store/job-repository.js';
import { JOB_STATUSES } from '../../store/job-repository.js';
import type { CliContext } from '../main.js';
import { printJson, renderTable } from '../output.js';
import { cliProject } from '../cli-project.js';
import { withKiln } from '../with-kiln.js';
import { parseLimit } from './runs-command.js';

interface ListFlags {
  status?: string;
  kind?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

/** The command's project (`--project`, `KILN_PROJECT`, `default`): jobs of other projects are not found. */
function project(): string {
  return cliProject() ?? 'default';
}

function parseStatuses(text: string | undefined): JobStatus[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) {
    if (!(JOB_STATUSES as readonly string[]).includes(s)) throw new UsageError(`--status must be one or more of ${JOB_STATUSES.join(', ')} (got '${s}')`, { field: 'status' });
  }
  return list as JobStatus[];
}

function parseAfter(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`--after must be a whole number (got '${text}')`, { field: 'after' });
  return Number(text);
}

function progressText(job: JobRecord): string {
  const pct = `${Math.round(job.progress * 100)}%`;
  return job.progressMessage ? `${pct} ${job.progressMessage}` : pct;
}

/** Register `kiln jobs`. */
export function registerJobsCommand(program: Command, ctx: CliContext): void {
  const jobs = program.command('jobs').description('background jobs (kiln train --async, ...): list, show, logs, cancel');
  jobs
    .command('list')
    .description('jobs, newest first')
    .option('--status <list>', `only these statuses (comma-separated: ${JOB_STATUSES.join(', ')})`)
    .option('--kind <kind>', 'only jobs of this kind (e.g. train)')
    .option('--limit <n>', 'jobs per page (1-1000)', '50')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print JSON')
    .action(async (flags: ListFlags) => {
      const status = parseStatuses(flags.status);
      const page = await withKiln((kiln) =>
        kiln.jobs.list({ status, kind: flags.kind, project: project(), page: { limit: parseLimit(flags.limit ?? '50'), cursor: flags.cursor ?? null } }),
      );
      if (flags.json) return printJson(ctx.io, { jobs: page.items, next: page.next });
      ctx.io.out(renderTable(['id', 'kind', 'status', 'progress', 'attempts', 'created', 'run'], page.items.map((j) => [j.id, j.kind, j.status, progressText(j), j.attempts, j.createdAt, j.runId ?? ''])));
      if (page.next) ctx.io.out(`more: --cursor ${page.next}\n`);
    });
  jobs
    .command('show <id>')
    .description('state, progress, result or error of a job')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const job = await withKiln((kiln) => kiln.jobs.get(id, project()));
      if (flags.json) return printJson(ctx.io, { job });
      const { io } = ctx;
      io.out(`job ${job.id}  ${job.kind}  ${job.status}  ${progressText(job)}\n`);
      io.out(`project ${job.project}  attempts ${job.attempts}/${job.maxAttempts}  worker ${job.workerId ?? '-'}${job.runId ? `  run ${job.runId}` : ''}\n`);
      io.out(`created ${job.createdAt}  started ${job.startedAt ?? '-'}  ended ${job.endedAt ?? '-'}\n`);
      if (job.cancelRequestedAt && job.status === 'running') io.out(`cancel requested ${job.cancelRequestedAt}\n`);
      if (job.error) io.out(`error (${job.error.code}): ${job.error.message}\n`);
      if (job.result !== null) io.out(`result ${JSON.stringify(job.result, null, 2)}\n`);
    });
  jobs
    .command('logs <id>')
    .description('log lines of a job; --follow waits for new ones until the job ends')
    .option('--follow', 'keep printing new lines and progress until the job ends')
    .option('--after <seq>', 'only lines after this sequence number')
    .option('--limit <n>', 'lines per page without --follow (1-1000)', '1000')
    .option('--cursor <cursor>', 'the "next" of the previous page')
    .option('--json', 'print JSON (with --follow: one event per line)')
    .action(async (id: string, flags: { follow?: boolean; after?: string; limit?: string; cursor?: string; json?: boolean }) => {
      const after = parseAfter(flags.after);
      const { io } = ctx;
      if (!flags.follow) {
        const page = await withKiln((kiln) => kiln.jobs.logs(id, { after, project: project(), page: { limit: parseLimit(flags.limit ?? '1000'), cursor: flags.cursor ?? null } }));
        if (flags.json) return printJson(io, { lines: page.items, next: page.next });
        for (const l of page.items) io.out(`${l.at}  ${l.line}\n`);
        if (page.next) io.out(`more: --cursor ${page.next}\n`);
        return;
      }
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      try {
        const final = await withKiln(async (kiln) => {
          let end: JobRecord | null = null;
          for await (const event of kiln.jobs.follow(id, { after, project: project(), signal: controller.signal })) {
            if (flags.json) io.out(`${JSON.stringify(event)}\n`);
            else if (event.type === 'log') io.out(`${event.at}  ${event.line}\n`);
            else if (event.type === 'progress') io.err(`[${event.status} ${Math.round(event.progress * 100)}%${event.message ? ` ${event.message}` : ''}]\n`);
            if (event.type === 'end') end = event.job;
          }
          return end;
        });
        if (final) {
          if (!flags.json) io.err(`job ${final.id} ${final.status}${final.error ? ` (${final.error.code}: ${final.error.message})` : ''}\n`);
          if (final.status !== 'succeeded') ctx.exitCode = 1;
        }
      } finally {
        process.off('SIGINT', stop);
      }
    });
  jobs
    .command('cancel <id>')
    .description('cancel a job: a queued one at once, a running one within a second or two')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const job = await withKiln((kiln) => kiln.jobs.cancel(id, { project: project() }));
      if (flags.json) return printJson(ctx.io, { job });
      ctx.io.out(job.status === 'running' ? `cancel requested for job ${job.id}; its worker stops it within a second or two\n` : `job ${job.id} is ${job.status}\n`);
    });
}
