/**
 * Progress reporting for long CLI work: a bar on a TTY (stderr), silent otherwise so pipes and
 * `--json` stay clean.
 */
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
import type { CliIo } from './output.js';

/** A progress sink: `update(done)` with an optional total. */
export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

/** Create a progress bar labelled `label` (no-op when stderr is not a TTY). */
export function createProgress(io: CliIo, label: string, unit = 'rows'): Progress {
  if (!io.isTty) return { update: () => undefined, stop: () => undefined };
  // Loaded only for a terminal: it is the slowest import of a bare `kiln --help`.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} ${unit} | {duration_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total ?? Math.max(done, 1), done);
        started = true;
      }
      if (total !== undefined) bar.setTotal(total);
      else if (done > bar.getTotal()) bar.setTotal(done);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
