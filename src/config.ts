/**
 * Configuration: where Kiln keeps its state, from environment variables with embedded defaults.
 * `KILN_HOME` (default `./.kiln`), `KILN_DATABASE_URL` (default SQLite in KILN_HOME),
 * `KILN_ARTIFACTS_URL` (default `KILN_HOME/artifacts`), `KILN_PORT` / `KILN_HOST` for the server;
 * the server also reads `KILN_IMPORT_ROOT` (server-side imports; none by default),
 * `KILN_MAX_UPLOAD_BYTES` (default 512 MiB) and `KILN_LOG_LEVEL` (default `info`). How much of the machine
 * Kiln may use: `KILN_MEMORY_BUDGET` (default half the machine's memory) and `KILN_THREADS` (default the
 * available cores). Malformed values are a ConfigValueError naming the variable, never a silent default.
 */
import { availableParallelism, totalmem } from 'node:os';
import { resolve } from 'node:path';

/**
 * A configuration variable whose value Kiln cannot use. A plain Error because configuration sits below
 * `core`; `openKiln` turns it into a UsageError (exit 2 / HTTP 4xx) naming the variable.
 */
export class ConfigValueError extends Error {
  constructor(
    readonly variable: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ConfigValueError';
  }
}

/** Upload size limit when `KILN_MAX_UPLOAD_BYTES` is not set: 512 MiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** Log levels `KILN_LOG_LEVEL` accepts (pino's). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Resolved configuration. */
export interface KilnConfig {
  readonly home: string;
  readonly databaseUrl: string | undefined;
  readonly artifactsUrl: string | undefined;
  readonly port: number;
  readonly host: string;
  /** The only folder the HTTP API may import server files from; undefined disables server-side imports. */
  readonly importRoot: string | undefined;
  /** Largest upload the HTTP API accepts, in bytes. */
  readonly maxUploadBytes: number;
  /** Server log level. */
  readonly logLevel: LogLevel;
  /** Memory Kiln may use, in bytes: sizes what training loads and DuckDB's `memory_limit`. */
  readonly memoryBudgetBytes: number;
  /** Worker threads for training and DuckDB. */
  readonly threads: number;
}

/** Smallest accepted memory budget: below it DuckDB and a training run cannot do useful work. */
export const MIN_MEMORY_BUDGET_BYTES = 64 * 1024 ** 2;

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Read configuration from an environment (defaults to `process.env`), with overrides. */
export function resolveConfig(overrides: Partial<KilnConfig> = {}, env: NodeJS.ProcessEnv = process.env): KilnConfig {
  const port = overrides.port ?? (env.KILN_PORT ? Number(env.KILN_PORT) : 7070);
  return {
    home: resolve(overrides.home ?? env.KILN_HOME ?? '.kiln'),
    databaseUrl: overrides.databaseUrl ?? (env.KILN_DATABASE_URL || undefined),
    artifactsUrl: overrides.artifactsUrl ?? (env.KILN_ARTIFACTS_URL || undefined),
    port: Number.isInteger(port) && port >= 0 && port < 65536 ? port : 7070,
    host: overrides.host ?? env.KILN_HOST ?? '127.0.0.1',
    importRoot: overrides.importRoot ?? (env.KILN_IMPORT_ROOT ? resolve(env.KILN_IMPORT_ROOT) : undefined),
    maxUploadBytes: overrides.maxUploadBytes ?? parseMaxUpload(env.KILN_MAX_UPLOAD_BYTES),
    logLevel: overrides.logLevel ?? parseLogLevel(env.KILN_LOG_LEVEL),
    memoryBudgetBytes: overrides.memoryBudgetBytes ?? (env.KILN_MEMORY_BUDGET ? parseByteSize(env.KILN_MEMORY_BUDGET, 'KILN_MEMORY_BUDGET') : defaultMemoryBudget()),
    threads: overrides.threads ?? (env.KILN_THREADS ? parseThreads(env.KILN_THREADS, 'KILN_THREADS') : availableParallelism()),
  };
}

/** Half the machine's memory: the rest is left to the OS, DuckDB's own buffers and other processes. */
export function defaultMemoryBudget(): number {
  return Math.max(MIN_MEMORY_BUDGET_BYTES, Math.floor(totalmem() / 2));
}

/**
 * Parse a size such as `4GiB`, `512MiB`, `2GB` or `1073741824` (bytes). Units: B, KB/MB/GB/TB (powers
 * of 1000), KiB/MiB/GiB/TiB (powers of 1024), case-insensitive. Anything else, or less than 64 MiB, is a
 * ConfigValueError naming `variable`.
 */
export function parseByteSize(text: string, variable: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? (m[2] === '' ? 'b' : m[2].toLowerCase()) : '';
  const factor = Object.hasOwn(UNITS, unit) ? UNITS[unit] : undefined;
  const example = 'e.g. 4GiB, 512MiB, 2GB or a number of bytes';
  if (!m || factor === undefined) {
    throw new ConfigValueError(variable, `${variable} must be a size such as 4GiB (got ${JSON.stringify(text)})`, `Units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB; ${example}.`);
  }
  const bytes = Math.floor(Number(m[1]) * factor);
  if (!Number.isSafeInteger(bytes) || bytes < MIN_MEMORY_BUDGET_BYTES) {
    throw new ConfigValueError(variable, `${variable} must be at least 64MiB and at most 8PiB (got ${JSON.stringify(text)})`, example);
  }
  return bytes;
}

function parseThreads(text: string, variable: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 1024) throw new ConfigValueError(variable, `${variable} must be an integer from 1 to 1024 (got ${JSON.stringify(text)})`);
  return n;
}

function parseMaxUpload(value: string | undefined): number {
  if (!value) return DEFAULT_MAX_UPLOAD_BYTES;
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new ConfigValueError('KILN_MAX_UPLOAD_BYTES', `KILN_MAX_UPLOAD_BYTES must be a positive whole number of bytes (got ${JSON.stringify(value)})`, `Unset it for the default (${DEFAULT_MAX_UPLOAD_BYTES}).`);
  }
  return n;
}

function parseLogLevel(value: string | undefined): LogLevel {
  if (!value) return 'info';
  const level = LOG_LEVELS.find((l) => l === value.toLowerCase());
  if (!level) throw new ConfigValueError('KILN_LOG_LEVEL', `KILN_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(value)})`);
  return level;
}
