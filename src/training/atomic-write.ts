/**
 * Files that appear only when complete: written to a temp file in the same folder, then renamed over
 * the destination (rename within a folder is atomic), so a reader never sees a half-written bundle.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A written temp file that becomes `path` on `commit` and disappears on `discard`. */
export interface PendingFile {
  readonly path: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Write `bytes` next to `path` under a temp name; nothing is at `path` until `commit`. */
export async function writePending(path: string, bytes: Uint8Array | string): Promise<PendingFile> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, bytes, { flag: 'wx' });
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return {
    path,
    commit: async () => {
      try {
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
    discard: () => rm(temp, { force: true }),
  };
}
