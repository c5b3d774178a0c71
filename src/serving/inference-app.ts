/**
 * `createInferenceApp`: the Fastify app of `kiln serve` — the inference routes on an inference runtime,
 * pino JSON logs with request ids (`x-request-id` echoed), load shedding with `@fastify/under-pressure`
 * (503 + Retry-After when event-loop delay or memory pass their thresholds), Kiln's error shape for every
 * 4xx (413 body too large, 415 content type) and a generic 5xx, and a graceful close that turns readiness
 * false, stops accepting, and waits for requests in flight. Authentication is injected (`installAuth`,
 * the control plane's hook), so the token model is the same as `kiln server`'s.
 */
import { randomUUID } from 'node:crypto';
import underPressure from '@fastify/under-pressure';
import Fastify from 'fastify';
import { KilnError, httpStatusFor } from '../core/errors.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { InferenceRouteOptions } from './inference-routes.js';
import { registerInferenceRoutes } from './inference-routes.js';
import type { InferenceRuntime, InferenceRuntimeOptions } from './inference-runtime.js';
import { startInferenceRuntime } from './inference-runtime.js';

/** Load-shedding thresholds (any may be left out). */
export interface SheddingOptions {
  /** Event-loop delay in ms above which requests are refused (default 1000). */
  readonly maxEventLoopDelayMs?: number;
  readonly maxHeapUsedBytes?: number;
  readonly maxRssBytes?: number;
  /** Retry-After seconds of a shed request (default 1). */
  readonly retryAfterSeconds?: number;
  /** How often pressure is sampled (default 1000 ms). */
  readonly sampleIntervalMs?: number;
}

/** Options of the inference app. */
export interface InferenceAppOptions extends InferenceRuntimeOptions, InferenceRouteOptions {
  /** pino logging (JSON to stdout) at this level; false turns it off. */
  readonly logger?: false | { readonly level?: string; readonly stream?: NodeJS.WritableStream };
  /** Installs authentication before routes are added (the control plane's `installAuth`); none = open. */
  readonly installAuth?: (app: FastifyInstance) => Promise<void>;
  /** Load shedding; false turns it off. */
  readonly shedding?: SheddingOptions | false;
  /** More routes beside inference, behind the same authentication (`kiln serve` adds feedback). */
  readonly extraRoutes?: (app: FastifyInstance) => void;
}

/** A built inference server (not listening yet). */
export interface InferenceServer {
  readonly app: FastifyInstance;
  readonly runtime: InferenceRuntime;
  /** Drain: readiness false, stop accepting, wait for in-flight requests, stop polling. */
  close(): Promise<void>;
}

function errorBody(code: string, message: string, details: Record<string, unknown> = {}): { error: { code: string; message: string; details: Record<string, unknown> } } {
  return { error: { code, message, details } };
}

/** Build the app and its runtime. */
export async function createInferenceApp(opts: InferenceAppOptions): Promise<InferenceServer> {
  const app = Fastify({
    logger: opts.logger === false ? false : { level: opts.logger?.level ?? 'info', ...(opts.logger?.stream ? { stream: opts.logger.stream } : {}) },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: opts.maxBodyBytes ?? 16 * 1024 * 1024,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 512 },
  });
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof KilnError) {
      // Kiln's own errors (auth: 401/403/429 from the injected hook; input: 400) keep their shape.
      const explicit = (err as { status?: unknown }).status;
      const status = typeof explicit === 'number' ? explicit : httpStatusFor(err);
      if (status < 500) return reply.code(status).send(err.toJSON());
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      const status = err.statusCode;
      if (status === 413) void reply.header('connection', 'close');
      return reply.code(status).send(errorBody('usage', err.message, { field: status === 413 ? 'body' : status === 415 ? 'content-type' : 'request' }));
    }
    const errorId = randomUUID();
    req.log.error({ err, errorId }, 'internal error');
    return reply.code(500).send(errorBody('internal', 'internal error', { errorId }));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0].slice(0, 200)}`)));

  const log = opts.logger === false ? undefined : { warn: (o: object, m: string) => app.log.warn(o, m), info: (o: object, m: string) => app.log.info(o, m) };
  const runtime = await startInferenceRuntime({ ...opts, ...(log ? { log } : {}) });

  if (opts.shedding !== false) {
    const s = opts.shedding ?? {};
    const retryAfter = s.retryAfterSeconds ?? 1;
    await app.register(underPressure, {
      maxEventLoopDelay: s.maxEventLoopDelayMs ?? 1000,
      ...(s.maxHeapUsedBytes ? { maxHeapUsedBytes: s.maxHeapUsedBytes } : {}),
      ...(s.maxRssBytes ? { maxRssBytes: s.maxRssBytes } : {}),
      retryAfter,
      ...(s.sampleIntervalMs ? { sampleInterval: s.sampleIntervalMs } : {}),
      pressureHandler: (req, reply, type, value) => {
        // Probes and metrics must keep answering so operators see "alive but busy", not "dead".
        if (req.url.startsWith('/v2/health') || req.url === '/metrics') return;
        runtime.metrics.shed.inc();
        void reply
          .code(503)
          .header('retry-after', String(retryAfter))
          .send(errorBody('internal', `server overloaded (${type}${value !== undefined ? ` ${Math.round(value)}` : ''}): request shed`, { reason: 'overloaded', pressure: type }));
      },
    });
  }
  // While draining, every answer closes its connection, so keep-alive clients cannot hold the close open.
  app.addHook('onSend', async (_req, reply) => {
    if (runtime.draining) void reply.header('connection', 'close');
  });
  if (opts.installAuth) await opts.installAuth(app);
  registerInferenceRoutes(app, runtime, opts);
  opts.extraRoutes?.(app);
  await app.ready();

  let closing: Promise<void> | null = null;
  return {
    app,
    runtime,
    close: () =>
      (closing ??= (async () => {
        runtime.draining = true;
        runtime.stop();
        await app.close();
      })()),
  };
}
