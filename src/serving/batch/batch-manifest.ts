/**
 * The chunk manifest of a resumable batch run: a folder `<output>.kiln-batch/` beside the output holding
 * `manifest.json` (what the run is: model checksum, input identity, chunk size, options) and one Parquet
 * file per finished chunk (`chunk-00000042.parquet`, written atomically, so its presence IS the record
 * that the chunk finished). A rerun with the same manifest skips finished chunks; a different model,
 * input or chunk size is a ConflictError rather than a silent mix of two runs.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConflictError, InputError, NotFoundError } from '../../core/errors.js';
import { writeFileAtomic } from '../../data/io/temp-space.js';

/** What identifies a batch run. */
export interface BatchIdentity {
  readonly format: 'kiln-batch/1';
  /** sha256 of the bundle text. */
  readonly model: string;
  /** A file by path, size and time; a registered dataset version by name and content hash (its local copy may move). */
  readonly input: { readonly path: string; readonly size: number; readonly modifiedMs: number } | { readonly dataset: string; readonly hash: string };
  readonly chunkRows: number;
  readonly keepInputs: boolean;
  /** The read options, as JSON (they change how rows are parsed). */
  readonly readOptions: string;
}

/** The work folder of an output. */
export function batchWorkDir(output: string): string {
  return `${resolve(output)}.kiln-batch`;
}

/** The file of chunk `index`. */
export function chunkFile(workDir: string, index: number): string {
  return join(workDir, `chunk-${String(index).padStart(8, '0')}.parquet`);
}

/** A registered dataset version behind an input file. */
export interface BatchDatasetInput {
  readonly name: string;
  readonly version: number;
  readonly hash: string;
}

/** The identity of a run over `input` (a file, or the local copy of `dataset`) with `bundleText`. */
export async function batchIdentity(bundleText: string, input: string, chunkRows: number, keepInputs: boolean, readOptions: unknown, dataset?: BatchDatasetInput): Promise<BatchIdentity> {
  let identity: BatchIdentity['input'];
  if (dataset) identity = { dataset: `${dataset.name}@${dataset.version}`, hash: dataset.hash };
  else {
    const st = await stat(input).catch(() => {
      throw new NotFoundError(`no such file: ${input}`, { file: input, field: 'input' });
    });
    identity = { path: resolve(input), size: st.size, modifiedMs: Math.floor(st.mtimeMs) };
  }
  return {
    format: 'kiln-batch/1',
    model: createHash('sha256').update(bundleText).digest('hex'),
    input: identity,
    chunkRows,
    keepInputs,
    readOptions: JSON.stringify(readOptions ?? {}),
  };
}

/**
 * Open the work folder: create it with the manifest, or check the existing manifest against `identity`
 * (`restart` discards a mismatching or unwanted earlier run). Returns the finished chunk indices.
 */
export async function openBatchWorkDir(workDir: string, identity: BatchIdentity, restart: boolean): Promise<Set<number>> {
  const manifestPath = join(workDir, 'manifest.json');
  if (restart) await rm(workDir, { recursive: true, force: true });
  const text = await readFile(manifestPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (text === null) {
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir, { recursive: true });
    await writeFileAtomic(manifestPath, `${JSON.stringify(identity, null, 2)}\n`);
    return new Set();
  }
  let previous: unknown;
  try {
    previous = JSON.parse(text);
  } catch {
    throw new InputError(`${manifestPath} is not a batch manifest`, { file: manifestPath }, 'Pass --restart to start over (the finished chunks are discarded).');
  }
  const differs = (Object.keys(identity) as (keyof BatchIdentity)[]).find((k) => JSON.stringify((previous as Record<string, unknown>)?.[k]) !== JSON.stringify(identity[k]));
  if (differs !== undefined) {
    throw new ConflictError(
      `an unfinished batch run for this output used a different ${differs === 'input' ? 'input (the file path, size or time, or the dataset version content, changed)' : differs === 'model' ? 'model' : differs}`,
      { file: manifestPath, field: differs },
      'Pass --restart to discard it and start over, or rerun with the same --model, --input and --chunk.',
    );
  }
  const done = new Set<number>();
  for (const name of await readdir(workDir)) {
    const m = /^chunk-(\d{8})\.parquet$/.exec(name);
    if (m) done.add(Number(m[1]));
    // A temp sibling of a chunk a kill interrupted: never renamed, so never counted.
    else if (name.includes('.kiln-tmp-')) await rm(join(workDir, name), { force: true });
  }
  return done;
}
