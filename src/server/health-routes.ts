/**
 * `/healthz` (liveness: the process answers) and `/readyz` (readiness: one `SELECT 1` round trip to
 * the metadata store, never a table scan, so probes stay cheap at any data size).
 */
import { randomUUID } from 'node:crypto';
import type { Kiln } from '../kiln.js';
import { KILN_VERSION } from '../version.js';
import type { KilnApp } from './kiln-app.js';
import { HealthRoute, ReadyRoute } from './schemas/health-schemas.js';

/** Register the probes. */
export function registerHealthRoutes(app: KilnApp, kiln: Kiln): void {
  app.get('/healthz', { schema: HealthRoute, config: { public: true } }, () => ({ status: 'ok' as const, version: KILN_VERSION }));

  app.get('/readyz', { schema: ReadyRoute, config: { public: true } }, async (req, reply) => {
    try {
      await kiln.metadata.ping();
      return { status: 'ready' as const, metadata: kiln.metadata.dialect };
    } catch (err) {
      // The reason (host names, driver messages) goes to the log, not to an unauthenticated prober.
      const errorId = randomUUID();
      req.log.error({ err, errorId }, 'readiness check failed');
      return reply.status(503).send({ status: 'unavailable', errorId });
    }
  });
}
