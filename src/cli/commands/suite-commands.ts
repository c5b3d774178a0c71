/**
 * `kiln data attach-suite NAME SUITE.json [--detach]` and `kiln data detach-suite NAME`: the suite that
 * appends to a dataset (HTTP rows, `kiln ingest`) are validated against.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../main.js';
import { printJson } from '../output.js';
import { withKiln } from '../with-kiln.js';

/** Register the suite subcommands on the `data` group. */
export function registerSuiteCommands(data: Command, ctx: CliContext): void {
  const { io } = ctx;
  const detach = async (name: string, json: boolean | undefined): Promise<void> => {
    const { detachSuite } = await import('../../data/ingest/dataset-suites.js');
    const removed = await withKiln((kiln) => detachSuite(kiln.metadata, name));
    if (json) return printJson(io, { dataset: name, detached: removed });
    io.out(removed ? `detached the suite of ${name}\n` : `${name} had no attached suite\n`);
  };
  data
    .command('attach-suite')
    .description('attach an expectation suite to a dataset: appended rows that fail it are quarantined')
    .argument('<name>', 'dataset name')
    .argument('[suite]', 'suite JSON file (see `kiln data suggest`)')
    .option('--detach', 'remove the attached suite instead')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, suitePath: string | undefined, flags: { detach?: boolean; json?: boolean }) => {
      if (flags.detach) {
        if (suitePath !== undefined) throw new UsageError('--detach takes no suite file', { field: 'detach' });
        return detach(name, flags.json);
      }
      if (suitePath === undefined) throw new UsageError('missing the suite file: kiln data attach-suite NAME SUITE.json', { field: 'suite' });
      // Loaded here, not at the top: `kiln --version` must not pay for validation and ingestion modules.
      const { loadSuite } = await import('../../data/validation/suite.js');
      const { attachSuite } = await import('../../data/ingest/dataset-suites.js');
      const suite = await loadSuite(suitePath);
      const attached = await withKiln((kiln) => attachSuite(kiln.metadata, kiln.artifacts, name, suite, suitePath));
      if (flags.json) return printJson(io, attached);
      io.out(`attached suite "${attached.suiteName}" (${suite.expectations.length} expectations) to ${name}\n`);
    });
  data
    .command('detach-suite')
    .description('remove the suite attached to a dataset')
    .argument('<name>', 'dataset name')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, flags: { json?: boolean }) => detach(name, flags.json));
}
