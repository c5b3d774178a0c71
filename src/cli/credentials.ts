/**
 * The CLI's server credentials: `kiln login` stores a token per server in a profile file, by default
 * `$XDG_CONFIG_HOME/kiln/credentials.json` (`~/.config/kiln/credentials.json`; `KILN_CREDENTIALS_FILE`
 * overrides), independent of KILN_HOME because a token belongs to the person, not to a local store. The file
 * is written with mode 0600 in a 0700 folder (temp file + rename) and refused when group or others may read
 * it, as ssh refuses such a private key. `KILN_TOKEN` (and `KILN_SERVER`) win over the file.
 */
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';

/** What the file holds: one entry per server URL, and the server commands use when none is named. */
export interface CredentialsFile {
  version: 1;
  default: string | null;
  servers: Record<string, { token: string; project?: string }>;
}

/** A server to talk to and the credentials to send. */
export interface ServerCredentials {
  baseUrl: string;
  token: string | undefined;
  project: string | undefined;
  /** Where the token came from, for messages. */
  tokenSource: 'KILN_TOKEN' | 'credentials file' | 'none';
}

/** The credentials file's path. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KILN_CREDENTIALS_FILE?.trim()) return env.KILN_CREDENTIALS_FILE.trim();
  const config = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.config');
  return join(config, 'kiln', 'credentials.json');
}

/** A server URL as stored: http(s), no trailing slash; anything else is a usage error. */
export function normalizeServerUrl(url: string, field = 'server'): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new UsageError(`--${field} must be an http:// or https:// URL (got "${url.slice(0, 200)}")`, { field });
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new UsageError(`--${field} must be an http:// or https:// URL without credentials, query or fragment (got "${url.slice(0, 200)}")`, { field });
  }
  return trimmed;
}

/** Reads the file (an empty one when missing); refuses a file others may read, or a malformed one. */
export async function readCredentials(path = credentialsPath()): Promise<CredentialsFile> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, default: null, servers: {} };
    throw new UsageError(`cannot read the credentials file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file: path });
  }
  if (!info.isFile()) throw new UsageError(`the credentials file ${path} is not a file`, { file: path });
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new UsageError(`the credentials file ${path} is readable by others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}); refusing to use it`, { file: path, field: 'credentials' }, `Run: chmod 600 ${path} (and consider revoking the tokens in it), or kiln logout --all.`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new UsageError(`the credentials file ${path} is not valid JSON`, { file: path }, 'Remove it (kiln logout --all) and run kiln login again.');
  }
  const d = doc as Partial<CredentialsFile> | null;
  if (!d || d.version !== 1 || typeof d.servers !== 'object' || d.servers === null || Array.isArray(d.servers)) {
    throw new UsageError(`the credentials file ${path} is not a Kiln credentials file (version 1)`, { file: path }, 'Remove it (kiln logout --all) and run kiln login again.');
  }
  for (const [url, entry] of Object.entries(d.servers)) {
    if (typeof (entry as { token?: unknown } | null)?.token !== 'string') throw new UsageError(`the credentials file ${path} has no token for ${url}`, { file: path });
  }
  return { version: 1, default: typeof d.default === 'string' ? d.default : null, servers: d.servers };
}

/** Writes the file atomically with mode 0600 in a 0700 folder; removes it when it holds no server. */
export async function writeCredentials(file: CredentialsFile, path = credentialsPath()): Promise<void> {
  if (Object.keys(file.servers).length === 0) {
    await rm(path, { force: true });
    return;
  }
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // The global Web Crypto: importing node:crypto here would cost every `kiln --help` ~20 ms.
  const temp = join(dir, `.credentials-${globalThis.crypto.randomUUID()}.tmp`);
  try {
    await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    // The umask cannot widen 0600, but a pre-existing ACL default could: set it explicitly.
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw new UsageError(`cannot write the credentials file ${path}: ${(err as Error).message}`, { file: path }, 'Set KILN_CREDENTIALS_FILE to a writable path.');
  }
}

/**
 * The server and token a command uses: `--server`, else `KILN_SERVER`, else the file's default; the token
 * from `KILN_TOKEN`, else the file's entry for that server. Null when no server is known.
 */
export async function resolveServer(server: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ServerCredentials | null> {
  const envToken = env.KILN_TOKEN?.trim() || undefined;
  const named = server ?? (env.KILN_SERVER?.trim() || undefined);
  const file = await readCredentials(credentialsPath(env));
  const baseUrl = named ? normalizeServerUrl(named) : file.default;
  if (!baseUrl) return null;
  const entry = file.servers[baseUrl];
  if (envToken) return { baseUrl, token: envToken, project: entry?.project, tokenSource: 'KILN_TOKEN' };
  return { baseUrl, token: entry?.token, project: entry?.project, tokenSource: entry ? 'credentials file' : 'none' };
}
