/**
 * `kiln gc [--apply] [--grace DURATION] [--json]`: deletes artifacts no metadata references. A dry run
 * by default (lists what would go and the bytes it would free); blobs written within the grace period
 * (default 1h) are never deleted, so a registration in progress is safe.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { collectGarbage } from '../../data/artifacts/collect-garbage.js';
import type { CliContext } from '../main.js';
import { printJson } from '../output.js';
import { withKiln } from '../with-kiln.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `--grace`: a number with a unit s, m, h or d (`90m`, `1h`, `2d`); `0` means no grace. */
export function parseGrace(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text);
  if (!match || (match[2] === '' && Number(match[1]) !== 0)) {
    throw new UsageError(`--grace must be a duration such as 30m, 1h or 2d (got '${text}')`, { field: 'grace' });
  }
  return match[2] === '' ? 0 : Number(match[1]) * UNIT_MS[match[2].toLowerCase()];
}

/** Register `kiln gc`. */
export function registerGcCommand(program: Command, ctx: CliContext): void {
  program
    .command('gc')
    .description('delete artifacts that no metadata references (dry run unless --apply)')
    .option('--apply', 'delete; without it, only report what would be deleted')
    .option('--grace <duration>', 'never delete blobs written more recently than this (s, m, h, d)', '1h')
    .option('--json', 'print the report as JSON')
    .action(async (flags: { apply?: boolean; grace: string; json?: boolean }) => {
      const graceMs = parseGrace(flags.grace);
      const report = await withKiln((kiln) => collectGarbage(kiln.artifacts, kiln.artifactReferences, { apply: flags.apply === true, graceMs }));
      if (flags.json) return printJson(ctx.io, report);
      const { io } = ctx;
      // Whole hashes, one per line (a table would truncate them).
      for (const g of report.garbage) io.out(`${g.hash}  ${String(g.size).padStart(12)} bytes  written ${g.modifiedAt}\n`);
      const verb = report.applied ? 'deleted' : 'would delete';
      io.out(
        `${report.location}: ${report.scanned} blobs, ${report.referenced} referenced, ${report.young} unreferenced but younger than ${flags.grace}; ` +
          `${verb} ${report.garbage.length} (${report.bytes} bytes)\n`,
      );
      if (report.missing.length > 0) io.err(`warning: ${report.missing.length} referenced artifacts are missing from the store (e.g. ${report.missing[0]})\n`);
      if (!report.applied && report.garbage.length > 0) io.out('dry run: pass --apply to delete\n');
    });
}
