/**
 * The build-time snapshot of every `kiln ... --help` text, so that `bin/kiln.js` can answer `--help`
 * without importing commander and the ~80 command modules (issue #14: `kiln --help` under 150 ms).
 * It is rendered from the real command tree by `runCli` itself, so it is commander's output byte for
 * byte; test/e2e/cli-startup.test.ts checks that the written file equals a fresh rendering.
 */
import type { Command } from 'commander';
import { buildProgram, runCli } from './main.js';
import type { CliIo } from './output.js';

/** Width the snapshot is rendered at: commander's width when stdout is not a terminal. */
export const HELP_SNAPSHOT_WIDTH = 80;

/** One command's help text; `wide` says it is also the text for any terminal wider than 80 columns. */
export interface HelpSnapshotEntry {
  readonly text: string;
  readonly wide: boolean;
}

/** Help texts keyed by command path (`''` is `kiln` itself, `'data import'` is `kiln data import`). */
export interface HelpSnapshot {
  readonly width: number;
  readonly entries: Readonly<Record<string, HelpSnapshotEntry>>;
}

/** Every command path of the tree, the root first (commander's implicit `help` command excluded). */
export function commandPaths(root: Command): string[][] {
  const paths: string[][] = [];
  const walk = (cmd: Command, path: string[]): void => {
    paths.push(path);
    for (const sub of cmd.commands) if (sub.name() !== 'help') walk(sub, [...path, sub.name()]);
  };
  walk(root, []);
  return paths;
}

/** What `kiln <path> --help` prints at a given width (throws if it would not exit 0 with text on stdout only). */
async function helpText(path: readonly string[], width: number): Promise<string> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false };
  const code = await runCli([...path, '--help'], io, width);
  if (code !== 0 || err !== '') throw new Error(`kiln ${path.join(' ')} --help exited ${code}: ${err}`);
  return out;
}

/** Render the snapshot from the real command tree. */
export async function renderHelpSnapshot(): Promise<HelpSnapshot> {
  const sink: CliIo = { out: () => undefined, err: () => undefined, isTty: false };
  const entries: Record<string, HelpSnapshotEntry> = {};
  for (const path of commandPaths(buildProgram({ io: sink, exitCode: 0 }))) {
    const text = await helpText(path, HELP_SNAPSHOT_WIDTH);
    // Commander only wraps what does not fit, so a text unwrapped at 80 columns is the same at any larger width.
    const wide = (await helpText(path, 1000)) === text;
    entries[path.join(' ')] = { text, wide };
  }
  return { width: HELP_SNAPSHOT_WIDTH, entries };
}
