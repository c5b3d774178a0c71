/**
 * Configuration: where Kiln keeps its state, from environment variables with embedded defaults.
 * `KILN_HOME` (default `./.kiln`), `KILN_DATABASE_URL` (default SQLite in KILN_HOME),
 * `KILN_ARTIFACTS_URL` (default `KILN_HOME/artifacts`), `KILN_PORT` / `KILN_HOST` for the server.
 */
import { resolve } from 'node:path';

/** Resolved configuration. */
export interface KilnConfig {
  readonly home: string;
  readonly databaseUrl: string | undefined;
  readonly artifactsUrl: string | undefined;
  readonly port: number;
  readonly host: string;
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
  };
}
