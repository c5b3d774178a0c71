/**
 * Open the embedded Kiln for one command, only when the command needs it, and always close it.
 * Commands that only read and write files (`data profile FILE`, `predict` with a bundle file...) never
 * open the metadata store, so they neither create `KILN_HOME` nor need `KILN_DATABASE_URL` to answer.
 * The heavy store modules are imported on first use, keeping `kiln --help` fast. A project-scoped
 * command gets the Kiln of its project (`cli-project.ts`).
 */
import { mkdir, stat } from 'node:fs/promises';
import { ConfigValueError, resolveConfig } from '../config.js';
import { NotFoundError, UsageError } from '../core/errors.js';
import { isDatasetName } from '../data/datasets/data-ref.js';
import type { ResolvedSource } from '../data/datasets/dataset-service.js';
import type { ReadOptions } from '../data/io/read-options.js';
import type { Kiln } from '../kiln.js';
import { cliProject, kilnInProject } from './cli-project.js';

/** A Kiln opened on first `get()`. */
export interface LazyKiln {
  get(): Promise<Kiln>;
}

/** Run `fn` with an open Kiln, closing it afterwards. */
export async function withKiln<T>(fn: (kiln: Kiln) => Promise<T>): Promise<T> {
  return withLazyKiln(async (lazy) => fn(await lazy.get()));
}

/** Run `fn` with a Kiln that is opened only if `fn` asks for it (and then closed afterwards). */
export async function withLazyKiln<T>(fn: (kiln: LazyKiln) => Promise<T>): Promise<T> {
  let opening: Promise<Kiln> | undefined;
  const lazy: LazyKiln = {
    get: () => (opening ??= openCliKiln()),
  };
  try {
    return await fn(lazy);
  } finally {
    if (opening) await opening.then((k) => k.close(), () => undefined);
  }
}

/**
 * Resolve a CLI source: an existing file as is (no store); something shaped like `NAME@...` through
 * the store (`DatasetService.resolveSource`, which applies the same rule); anything else is "no such file".
 */
export async function resolveSource(kiln: LazyKiln, source: string, readOptions: ReadOptions = {}): Promise<ResolvedSource> {
  if (await isFile(source)) return { path: source, readOptions };
  const at = source.indexOf('@');
  if (at < 0 || !isDatasetName(source.slice(0, at))) {
    const what = (await isDirectory(source)) ? 'is a folder, not a file' : 'no such file';
    throw new NotFoundError(`${what}: ${source}`, { file: source }, 'Pass an existing CSV/Parquet/JSON file or a registered dataset as NAME@VERSION (see `kiln data list`).');
  }
  return (await kiln.get()).datasets.resolveSource(source, readOptions);
}

async function openCliKiln(): Promise<Kiln> {
  await prepareKilnHome();
  const { openKiln } = await import('../kiln.js');
  const kiln = await openKiln();
  const project = cliProject();
  if (project === null) return kiln;
  try {
    return await kilnInProject(kiln, project);
  } catch (err) {
    await kiln.close();
    throw err;
  }
}

/** Create KILN_HOME if needed; a file there (or an unwritable path) is a user error, not an internal one. */
export async function prepareKilnHome(): Promise<void> {
  let home: string;
  try {
    home = resolveConfig().home;
  } catch (err) {
    // A malformed variable: openKiln reports it as a usage error naming the variable.
    if (err instanceof ConfigValueError) return;
    throw err;
  }
  // KILN_HOME naming a file (or a path through one) is a user error, not an internal one.
  const st = await stat(home).catch(() => null);
  if (st && !st.isDirectory()) throw new UsageError(`KILN_HOME ${home} is a file, not a folder`, { field: 'KILN_HOME', file: home }, 'Point KILN_HOME at a folder (it is created when missing).');
  try {
    await mkdir(home, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`KILN_HOME ${home} cannot be created (${code})`, { field: 'KILN_HOME', file: home }, 'Point KILN_HOME at a folder you can write to.');
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}
