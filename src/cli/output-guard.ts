/**
 * Output guard: before a command does any work, check that every output it will write can be written
 * and never replaces one of its inputs. Paths are compared as the filesystem sees them: real paths
 * (symlinks resolved) and, for files that exist, device + inode (hard links), so `--out f.csv` next to
 * `--data ./dir/../f.csv` or a link to it is refused with exit 2 instead of destroying the input.
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

/** An output file a command will write, with the flag that named it (for messages). */
export interface OutputFile {
  readonly path: string;
  readonly flag: string;
}

/** An output folder a command will create (if needed) and fill with `files`. */
export interface OutputDir {
  readonly dir: string;
  readonly flag: string;
  readonly files: readonly string[];
}

interface Identity {
  readonly real: string;
  readonly inode?: string;
}

/**
 * Refuse (UsageError, exit 2) outputs that would overwrite an input or each other, that are folders,
 * or whose folder is missing, not a folder or not writable. `inputs` are paths the command reads
 * (data, reference, suite, model); ones that do not exist as files are ignored.
 */
export async function checkOutputs(inputs: readonly string[], files: readonly OutputFile[], dirs: readonly OutputDir[] = []): Promise<void> {
  const ins: { path: string; id: Identity }[] = [];
  for (const path of inputs) {
    const id = await existingFileIdentity(path);
    if (id) ins.push({ path, id });
  }
  const outs: { path: string; flag: string; id: Identity }[] = [];
  for (const f of files) outs.push({ ...f, id: await outputFileIdentity(f.path, f.flag) });
  for (const d of dirs) {
    const exists = await checkOutputDir(d.dir, d.flag);
    if (!exists) continue; // a folder we will create holds no input yet
    for (const name of d.files) {
      const path = join(d.dir, name);
      outs.push({ path, flag: d.flag, id: await outputFileIdentity(path, d.flag) });
    }
  }
  for (const out of outs) {
    const same = ins.find((i) => sameFile(i.id, out.id));
    if (same) {
      throw new UsageError(
        `${out.flag} ${out.path} would overwrite the input ${same.path}`,
        { field: out.flag.replace(/^--/, ''), file: out.path },
        'Write the output to a different file; Kiln never replaces its inputs.',
      );
    }
  }
  for (let a = 0; a < outs.length; a++) {
    for (let b = a + 1; b < outs.length; b++) {
      if (sameFile(outs[a].id, outs[b].id)) {
        throw new UsageError(`${outs[a].flag} and ${outs[b].flag} both write ${outs[b].path}`, { field: outs[b].flag.replace(/^--/, ''), file: outs[b].path }, 'Give each output its own file.');
      }
    }
  }
}

function sameFile(a: Identity, b: Identity): boolean {
  return a.real === b.real || (a.inode !== undefined && a.inode === b.inode);
}

async function existingFileIdentity(path: string): Promise<Identity | null> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return null;
    return { real: await realpath(path), inode: `${st.dev}:${st.ino}` };
  } catch {
    return null;
  }
}

/** Identity of a file we are about to write; checks it is not a folder and its folder is writable. */
async function outputFileIdentity(path: string, flag: string): Promise<Identity> {
  const field = flag.replace(/^--/, '');
  if (path === '' || /[\\/]$/.test(path)) throw new UsageError(`${flag} "${path}" names a folder; pass a file path`, { field, file: path });
  const existing = await statOrNull(path);
  if (existing?.isDirectory()) throw new UsageError(`${flag} ${path} is a folder; pass a file path`, { field, file: path }, `For example ${join(path, 'out.csv')}.`);
  const folder = dirname(resolve(path));
  const st = await statOrNull(folder);
  if (!st) throw new UsageError(`${flag} ${path}: the folder ${folder} does not exist`, { field, file: path }, 'Create the folder first, or write somewhere else.');
  if (!st.isDirectory()) throw new UsageError(`${flag} ${path}: ${folder} is not a folder`, { field, file: path });
  await checkWritable(folder, flag, path);
  if (existing) {
    if (!existing.isFile()) throw new UsageError(`${flag} ${path} exists and is not a regular file`, { field, file: path });
    return { real: await realpath(path), inode: `${existing.dev}:${existing.ino}` };
  }
  return { real: join(await realpath(folder), basename(path)) };
}

/** Check an output folder: it is a folder (or can be created under a writable folder). True when it exists. */
async function checkOutputDir(dir: string, flag: string): Promise<boolean> {
  const field = flag.replace(/^--/, '');
  const st = await statOrNull(dir);
  if (st) {
    if (!st.isDirectory()) throw new UsageError(`${flag} ${dir} is a file, not a folder`, { field, file: dir }, 'Pass a folder (it is created when missing).');
    await checkWritable(dir, flag, dir);
    return true;
  }
  // The nearest existing ancestor must be a writable folder for `mkdir -p` to succeed.
  let up = dirname(resolve(dir));
  for (;;) {
    const a = await statOrNull(up);
    if (a) {
      if (!a.isDirectory()) throw new UsageError(`${flag} ${dir}: ${up} is a file, not a folder`, { field, file: dir });
      await checkWritable(up, flag, dir);
      return false;
    }
    const parent = dirname(up);
    if (parent === up) return false;
    up = parent;
  }
}

async function checkWritable(folder: string, flag: string, path: string): Promise<void> {
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${path}: the folder ${folder} is not writable`, { field: flag.replace(/^--/, ''), file: path }, 'Choose a folder you can write to.');
  }
}

async function statOrNull(path: string): Promise<Awaited<ReturnType<typeof stat>> | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}
