/**
 * The project a CLI command acts in: `--project NAME` on the command, else `kiln --project NAME ...`
 * before the command, else `KILN_PROJECT`, else `default`. Every command that acts on project-scoped
 * resources (datasets, training, tracking, ...) takes the option; the security and maintenance groups
 * (`tokens`, `projects`, `audit`, `gc`, `server`, `serve`) do not, since they are not scoped to one project
 * (`tokens create --project` and `audit list --project` keep their own meaning). For a scoped command,
 * `withKiln` hands out a Kiln whose services act in that project after checking that it exists.
 */
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { Kiln } from '../kiln.js';

/** Top-level commands that are not scoped to one project. */
const UNSCOPED = new Set(['tokens', 'projects', 'audit', 'gc', 'server', 'serve', 'worker']);
const PROJECT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const HELP = 'project to act in (default: $KILN_PROJECT, else "default"; see `kiln projects list`)';

/** The project of the command being run; null for unscoped commands. Set by the program's preAction hook. */
let current: string | null = null;

/**
 * Adds the global `--project` (read only before the command name: options are positional, so
 * `tokens create --project` stays that command's own) and `--project` on every scoped leaf command, and
 * picks the project before each action. Call after every command is registered.
 */
export function installProjectOption(program: Command): void {
  current = null;
  program.enablePositionalOptions().option('--project <name>', `${HELP}; for project-scoped commands, which also take it after their name`);
  const scoped = new WeakSet<Command>();
  const walk = (cmd: Command, top: string | null): void => {
    for (const sub of cmd.commands) {
      const group = top ?? sub.name();
      if (UNSCOPED.has(group)) continue;
      if (sub.commands.length > 0) {
        walk(sub, group);
      } else if (!sub.options.some((o) => o.long === '--project')) {
        sub.option('--project <name>', HELP);
        scoped.add(sub);
      }
    }
  };
  walk(program, null);
  program.hook('preAction', (_root, action) => {
    current = scoped.has(action) ? pickProject(action.opts<{ project?: string }>().project, program.opts<{ project?: string }>().project) : null;
  });
}

/** The flag, the global flag, `KILN_PROJECT`, `default`: the first one set, checked before any work (exit 2). */
function pickProject(own: string | undefined, global: string | undefined): string {
  const env = process.env.KILN_PROJECT;
  const project = own ?? global ?? (env !== undefined && env !== '' ? env : 'default');
  if (!PROJECT.test(project)) {
    const from = own !== undefined || global !== undefined ? '--project' : 'KILN_PROJECT';
    throw new UsageError(`${from} must be a project name: 1-63 lowercase letters, digits, "_" or "-" (got ${JSON.stringify(project.slice(0, 80))})`, { field: from, project: project.slice(0, 80) }, 'See `kiln projects list`.');
  }
  return project;
}

/** The project the running command acts in (null: the command is not project-scoped). */
export function cliProject(): string | null {
  return current;
}

/** `kiln` acting in `project`: its services and metadata scoped to it; a NotFoundError when it does not exist. */
export async function kilnInProject(kiln: Kiln, project: string): Promise<Kiln> {
  await kiln.security.requireProject(project);
  if (project === kiln.metadata.project) return kiln;
  return {
    ...kiln,
    metadata: kiln.metadata.inProject(project),
    datasets: kiln.datasets.inProject(project),
    training: kiln.training.inProject(project),
    tracking: kiln.tracking.inProject(project),
    features: kiln.features.inProject(project),
    capture: kiln.capture.inProject(project),
    feedback: kiln.feedback.inProject(project),
    registry: kiln.registry.inProject(project),
    alerts: kiln.alerts.inProject(project),
    monitors: kiln.monitors.inProject(project),
  };
}
