/**
 * Response hardening for an API that serves only JSON (and the profile HTML as data): no sniffing, no
 * framing, no referrer, a `default-src 'none'` CSP, no caching of authenticated answers, HSTS under TLS.
 * CORS is off (no headers, so browsers refuse cross-origin reads) unless `KILN_CORS_ORIGINS` lists origins.
 */
import type { KilnApp } from './kiln-app.js';

/** Options of `installSecureHeaders`. */
export interface SecureHeaderOptions {
  /** Exact origins allowed to call the API from a browser; empty = CORS off. */
  readonly corsOrigins: readonly string[];
  /** Served over TLS: add Strict-Transport-Security. */
  readonly tls: boolean;
}

/** Parse `KILN_CORS_ORIGINS` (comma-separated origins). */
export function corsOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KILN_CORS_ORIGINS ?? '').split(',').map((o) => o.trim().replace(/\/$/, '')).filter((o) => o !== '');
}

/** Add the headers to every response and answer CORS preflights for allowed origins. */
export function installSecureHeaders(app: KilnApp, opts: SecureHeaderOptions): void {
  const allowed = new Set(opts.corsOrigins);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return;
    void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      await reply
        .status(204)
        .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
        .header('access-control-allow-headers', 'authorization, content-type, x-kiln-project')
        .header('access-control-max-age', '600')
        .send();
    }
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    void reply
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
      .header('cache-control', 'no-store');
    if (opts.tls) void reply.header('strict-transport-security', 'max-age=31536000');
    return payload;
  });
}
