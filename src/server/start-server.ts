/**
 * Start the HTTP API on the configured host and port, logging with pino at `KILN_LOG_LEVEL`.
 */
import type { Kiln } from '../kiln.js';
import type { AppOptions } from './create-app.js';
import { createApp } from './create-app.js';

/** A running server. */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Listen on `kiln.config.host:port`. */
export async function startServer(kiln: Kiln, opts: AppOptions = {}): Promise<RunningServer> {
  const app = await createApp(kiln, opts);
  const url = await app.listen({ port: kiln.config.port, host: kiln.config.host });
  return { url, close: () => app.close() };
}
