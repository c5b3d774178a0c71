/**
 * `kiln ingest --from nats:SUBJECT | redis-stream:STREAM --dataset NAME`: consume a stream into dataset
 * versions (one per flush), exactly once. Progress goes to stderr, one line per flush; `--json` prints
 * the run's report on stdout at the end. SIGINT/SIGTERM flush what is buffered, then exit.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { checkDatasetName } from '../../data/datasets/data-ref.js';
import type { CliContext } from '../main.js';
import { printJson } from '../output.js';
import { withKiln } from '../with-kiln.js';

interface IngestFlags {
  from: string;
  dataset: string;
  flushEvery?: string;
  flushRows?: string;
  suite?: string;
  untilIdle?: string;
  json?: boolean;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `1m`, `30s`, `500ms`, `2h`, or a bare number of seconds -> ms. */
export function parseDurationMs(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 's'] : NaN;
  if (!(ms > 0) || !Number.isFinite(ms)) throw new UsageError(`${flag} must be a positive duration like 500ms, 30s, 1m or 2h (got "${text}")`, { field: flag.replace(/^--/, '') });
  return ms;
}

/** Register `kiln ingest`. */
export function registerIngestCommand(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description('consume a stream (NATS JetStream or Redis Streams) into dataset versions, exactly once')
    .requiredOption('--from <source>', 'nats:SUBJECT (KILN_NATS_URL) or redis-stream:STREAM (KILN_REDIS_URL); each message is one JSON object = one row')
    .requiredOption('--dataset <name>', 'dataset to append to (created by the first flush)')
    .option('--flush-every <duration>', 'write a version at least this often while messages arrive (default 1m)')
    .option('--flush-rows <n>', 'write a version every N messages (default 10000)')
    .option('--suite <file>', 'validate rows against this suite (default: the suite attached to the dataset); failing rows are quarantined')
    .option('--until-idle <seconds>', 'flush and exit after this long without messages (default: run until SIGINT/SIGTERM)')
    .option('--json', 'print the run report as JSON at the end')
    .action(async (flags: IngestFlags) => {
      const { io } = ctx;
      checkDatasetName(flags.dataset);
      const flushRows = flags.flushRows === undefined ? undefined : Number(flags.flushRows);
      if (flushRows !== undefined && !(Number.isSafeInteger(flushRows) && flushRows > 0)) throw new UsageError(`--flush-rows must be a positive integer (got "${flags.flushRows}")`, { field: 'flush-rows' });
      const flushEveryMs = flags.flushEvery === undefined ? undefined : parseDurationMs(flags.flushEvery, '--flush-every');
      const untilIdleMs = flags.untilIdle === undefined ? undefined : parseDurationMs(flags.untilIdle, '--until-idle');
      // Heavy modules load only when the command runs (fast `kiln --help`).
      const { openStreamSource } = await import('../../store/open-stream-source.js');
      const { loadSuite } = await import('../../data/validation/suite.js');
      const { loadAttachedSuite } = await import('../../data/ingest/dataset-suites.js');
      const { ingestStream } = await import('../../data/ingest/stream-ingest.js');
      const source = openStreamSource(flags.from);
      const fileSuite = flags.suite ? await loadSuite(flags.suite) : null;
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const report = await withKiln(async (kiln) => {
          const tmpDir = join(kiln.config.home, 'tmp');
          await mkdir(tmpDir, { recursive: true });
          const suite = fileSuite ?? (await loadAttachedSuite(kiln.metadata, kiln.artifacts, flags.dataset));
          io.err(`ingesting ${source.id} into ${flags.dataset}${suite ? ` (suite ${suite.name})` : ''}\n`);
          return ingestStream(kiln.metadata, kiln.artifacts, {
            dataset: flags.dataset,
            source,
            flushRows,
            flushEveryMs,
            untilIdleMs,
            suite,
            tmpDir,
            signal: controller.signal,
            onFlush: (f) => {
              const q = f.quarantined > 0 ? `, ${f.quarantined} quarantined (artifact ${f.quarantineArtifact})` : '';
              io.err(`flushed ${f.version === null ? 'no version' : `version ${f.version}`}: ${f.rows} rows${q}, position ${f.position}\n`);
            },
          });
        });
        io.err(`consumed ${report.consumed}, flushed ${report.flushed}, quarantined ${report.quarantined}, skipped ${report.skipped} already committed\n`);
        if (flags.json) printJson(io, report);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
