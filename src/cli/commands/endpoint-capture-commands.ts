/**
 * `kiln endpoints capture NAME [--from T] [--to T] --out FILE`: export an endpoint's captured predictions
 * in [from, to) to CSV or Parquet (atomically). Registered on the `endpoints` command group by
 * `registerEndpointCaptureCommands`, which the group's owner calls. The project is the command's
 * `--project` (added to every scoped command by `installProjectOption`).
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { checkOutputs } from '../output-guard.js';
import { printJson } from '../output.js';
import { withKiln } from '../with-kiln.js';

interface CaptureFlags {
  from?: string;
  to?: string;
  out: string;
  json?: boolean;
}

/** Add `capture` to the `endpoints` command group. */
export function registerEndpointCaptureCommands(endpoints: Command, ctx: CliContext): void {
  endpoints
    .command('capture')
    .description("export an endpoint's captured predictions (inputs, outputs, model version, latency) to .csv or .parquet")
    .argument('<name>', 'endpoint name')
    .option('--from <time>', 'rows received at or after this time (ISO-8601 or epoch ms)')
    .option('--to <time>', 'rows received before this time (ISO-8601 or epoch ms)')
    .requiredOption('--out <file>', 'output file (.csv or .parquet)')
    .option('--json', 'print a JSON summary')
    .action(async (name: string, flags: CaptureFlags) => {
      await checkOutputs([], [{ path: flags.out, flag: '--out' }]);
      const summary = await withKiln((kiln) =>
        kiln.capture.exportCapture({ endpoint: name, ...(flags.from !== undefined ? { from: flags.from } : {}), ...(flags.to !== undefined ? { to: flags.to } : {}) }, flags.out),
      );
      if (flags.json) return printJson(ctx.io, { endpoint: name, ...summary });
      ctx.io.out(`exported ${summary.rows} captured row(s) from ${summary.segments} segment(s) -> ${summary.out}\n`);
    });
}
