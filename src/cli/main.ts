/**
 * The `kiln` command. Thin: it parses flags, calls the same services the HTTP server uses, and maps
 * results and errors to output and exit codes (0 ok, 1 validation failed, 2 bad usage/input,
 * 3 internal) in one place.
 */
import { Command, CommanderError } from 'commander';
import { UsageError, asKilnError, exitCodeFor } from '../core/errors.js';
import { KILN_VERSION } from '../version.js';
import { installProjectOption } from './cli-project.js';
import { registerAlertsCommands } from './commands/alerts-commands.js';
import { registerAuditCommands } from './commands/audit-commands.js';
import { registerBatchCommand } from './commands/batch-command.js';
import { registerDataCommands } from './commands/data-commands.js';
import { registerDataLineageCommand } from './commands/data-lineage-command.js';
import { registerExperimentsCommand } from './commands/experiments-command.js';
import { registerEndpointsCommands } from './commands/endpoints-commands.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerExplainCommand } from './commands/explain-command.js';
import { registerFairnessCommand } from './commands/fairness-command.js';
import { registerFeaturesCommands } from './commands/features-commands.js';
import { registerGcCommand } from './commands/gc-command.js';
import { registerModelsCommands } from './commands/models-commands.js';
import { registerMonitorCommand } from './commands/monitor-command.js';
import { registerIngestCommand } from './commands/ingest-command.js';
import { registerKeysCommands } from './commands/keys-commands.js';
import { registerLoginCommands } from './commands/login-commands.js';
import { registerJobsCommand } from './commands/jobs-command.js';
import { registerPredictCommand } from './commands/predict-command.js';
import { registerProjectsCommands } from './commands/projects-commands.js';
import { registerRunsCommand } from './commands/runs-command.js';
import { registerRolloutCommands } from './commands/rollout-commands.js';
import { registerServerCommand } from './commands/server-command.js';
import { registerTokensCommands } from './commands/tokens-commands.js';
import { registerTrainCommand } from './commands/train-command.js';
import { registerTuneCommand } from './commands/tune-command.js';
import { registerWorkerCommand } from './commands/worker-command.js';
import type { CliIo } from './output.js';
import { printError, processIo } from './output.js';

/** Shared state a command action can set. */
export interface CliContext {
  readonly io: CliIo;
  /** Exit code the command asks for (1 = validation failed). */
  exitCode: number;
  /** Fixed help width (the build-time help snapshot renders at 80 columns whatever the terminal). */
  readonly helpWidth?: number;
}

/** Where commander writes, and at which width when the context fixes one. */
function outputConfig(ctx: CliContext): { writeOut(s: string): void; writeErr(s: string): void; getOutHelpWidth?(): number } {
  const write = { writeOut: (s: string) => ctx.io.out(s), writeErr: (s: string) => ctx.io.err(s) };
  const width = ctx.helpWidth;
  return width === undefined ? write : { ...write, getOutHelpWidth: () => width };
}

/** Build the command tree. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('kiln')
    .description('Kiln: self-hosted, end-to-end machine learning')
    .version(KILN_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nNot built yet (later milestones): pipelines. Exit codes: 0 ok, 1 validation failed, 2 bad input, 3 internal.',
    )
    .exitOverride()
    .configureOutput(outputConfig(ctx));
  registerDataCommands(program, ctx);
  registerTrainCommand(program, ctx);
  registerTuneCommand(program, ctx);
  registerPredictCommand(program, ctx);
  registerBatchCommand(program, ctx);
  registerServerCommand(program, ctx);
  registerMonitorCommand(program, ctx);
  registerAlertsCommands(program, ctx);
  registerGcCommand(program, ctx);
  registerIngestCommand(program, ctx);
  registerTokensCommands(program, ctx);
  registerProjectsCommands(program, ctx);
  registerAuditCommands(program, ctx);
  registerKeysCommands(program, ctx);
  registerLoginCommands(program, ctx);
  registerRunsCommand(program, ctx);
  registerExperimentsCommand(program, ctx);
  registerEndpointsCommands(program, ctx);
  registerServeCommand(program, ctx);
  registerRolloutCommands(program, ctx);
  registerJobsCommand(program, ctx);
  registerWorkerCommand(program, ctx);
  registerExplainCommand(program, ctx);
  registerFairnessCommand(program, ctx);
  registerFeaturesCommands(program, ctx);
  registerModelsCommands(program, ctx);
  registerDataLineageCommand(program, ctx);
  // After every command: it gives each project-scoped one its --project option.
  installProjectOption(program);
  const wire = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput(outputConfig(ctx));
      wire(sub);
    }
  };
  wire(program);
  return program;
}

/** Run the CLI with arguments (without `node kiln`); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo, helpWidth?: number): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0, helpWidth };
  const program = buildProgram(ctx);
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      // commander already printed its message; map it to the usage exit code.
      if (json) printError(io, new UsageError(err.message.replace(/^error: /, '')), true);
      return 2;
    }
    const kerr = asKilnError(err);
    printError(io, kerr, json);
    if (kerr.code === 'internal' && process.env.KILN_DEBUG && err instanceof Error) io.err(`${err.stack ?? ''}\n`);
    return exitCodeFor(kerr);
  }
}
