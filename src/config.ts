/**
 * Configuration: where Kiln keeps its state, from environment variables with embedded defaults.
 * `KILN_HOME` (default `./.kiln`), `KILN_DATABASE_URL` (default SQLite in KILN_HOME),
 * `KILN_ARTIFACTS_URL` (default `KILN_HOME/artifacts`), `KILN_PORT` / `KILN_HOST` for the server;
 * the server also reads `KILN_IMPORT_ROOT` (server-side imports; none by default),
 * `KILN_MAX_UPLOAD_BYTES` (default 512 MiB) and `KILN_LOG_LEVEL` (default `info`).
 */
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
}

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
  };
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
