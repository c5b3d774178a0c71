/**
 * Server-side imports: the one way an HTTP client may name a file on the server, and only inside a folder
 * an administrator allow-listed (`KILN_IMPORT_ROOT`; none by default). The requested path is relative to
 * that root; it is resolved with `realpath`, so neither `..` nor a symlink can lead outside it.
 *
 * The check and the later read are not atomic: whoever can write inside the root could swap a checked
 * folder for a symlink in between. The root must therefore be writable only by trusted users.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import { InputError, NotFoundError, UsageError } from '../../core/errors.js';
import { quoteForMessage } from './data-ref.js';

/** Longest relative path accepted (hostile requests can send megabytes). */
const MAX_IMPORT_PATH = 1024;

/**
 * Resolve `requested` (relative to `root`) to the real path of a regular file inside the real `root`;
 * UsageError/NotFoundError otherwise. Messages name the requested path, never the root.
 */
export async function resolveImportPath(root: string | undefined, requested: unknown, field = 'import'): Promise<string> {
  if (!root) {
    throw new UsageError('server-side imports are disabled on this server', { field }, 'Upload the file in the request body instead, or ask an administrator to set KILN_IMPORT_ROOT.');
  }
  if (typeof requested !== 'string' || requested.length === 0 || requested.length > MAX_IMPORT_PATH) {
    throw new UsageError(`${field} must be a path of 1-${MAX_IMPORT_PATH} characters relative to the import root`, { field });
  }
  const shown = quoteForMessage(requested);
  const refuse = (why: string): never => {
    throw new UsageError(`${field} ${shown} ${why}`, { field }, 'Name a file relative to the import root, e.g. "sales/2024.csv".');
  };
  if (requested.includes('\0')) refuse('contains a NUL byte');
  if (requested.includes('\\')) refuse('contains a backslash');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(requested)) refuse('is a URL; only paths relative to the import root are accepted');
  if (isAbsolute(requested)) refuse('is absolute; only paths relative to the import root are accepted');
  if (requested.split('/').includes('..')) refuse('contains ".."');
  // A missing root is the administrator's mistake, not the client's: an internal error (logged, generic 5xx).
  const realRoot = await realpath(root);
  const lexical = join(realRoot, requested);
  try {
    await lstat(lexical);
  } catch {
    throw new NotFoundError(`${field} ${shown} does not exist under the import root`, { field });
  }
  // One message for a dangling link and for an escape, so the answer says nothing about files outside.
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    return refuse('leads outside the import root or to nothing');
  }
  if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) refuse('leads outside the import root or to nothing');
  if (!(await stat(real)).isFile()) throw new InputError(`${field} ${shown} is not a regular file`, { field }, 'Name a data file, not a folder.');
  return real;
}
