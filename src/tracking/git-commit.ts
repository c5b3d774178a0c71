/**
 * The git commit of the checkout a run starts in, read from `.git` files (no `git` process: a run must
 * start fast and work where git is not installed). Null outside a checkout or when HEAD cannot be resolved.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function gitDir(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, '.git');
    try {
      const st = statSync(candidate);
      if (st.isDirectory()) return candidate;
      // A worktree or submodule: `.git` is a file "gitdir: PATH".
      const m = /^gitdir:\s*(.+)\s*$/m.exec(readFileSync(candidate, 'utf8'));
      if (m) return resolve(dir, m[1].trim());
    } catch {
      // Not here; look in the parent.
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The commit HEAD points at in the checkout containing `cwd`, or null. */
export function gitCommit(cwd: string = process.cwd()): string | null {
  const dir = gitDir(cwd);
  if (!dir) return null;
  try {
    const head = readFileSync(join(dir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (!ref) return null;
    // Worktrees keep refs in the common directory.
    let common = dir;
    try {
      common = resolve(dir, readFileSync(join(dir, 'commondir'), 'utf8').trim());
    } catch {
      // Not a linked worktree.
    }
    for (const base of [dir, common]) {
      try {
        return readFileSync(join(base, ref), 'utf8').trim();
      } catch {
        // Maybe packed.
      }
    }
    const packed = readFileSync(join(common, 'packed-refs'), 'utf8');
    const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
    return line ? line.slice(0, line.indexOf(' ')) : null;
  } catch {
    return null;
  }
}
