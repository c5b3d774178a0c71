/**
 * The inference routes, mounted by `kiln serve` and inside `kiln server`: the native API
 * (`POST /v1/endpoints/{name}/predict`), the Open Inference Protocol v2 REST API (health, server and model
 * metadata, model readiness, inference, versioned paths) and `/metrics`. Predict and model routes need
 * `endpoints:predict` on the named endpoint (`resourceParam: 'name'`), so a predictor token narrowed to
 * one endpoint can call it and nothing else. `POST /v1/endpoints/{name}/explain` (TreeSHAP attributions,
 * `endpoint-explainer.ts`) needs `endpoints:read`: predictor tokens cannot call it. Native errors use Kiln's error shape; OIP errors the
 * protocol's `{"error": "..."}` (with the bad-field list in `details`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KilnError, UsageError } from '../core/errors.js';
import { KILN_VERSION } from '../version.js';
import type { VariantRoute } from './endpoint-router.js';
import type { InferenceRuntime } from './inference-runtime.js';
import { ExplainRoute, InferRoute, InferVersionRoute, ModelRoute, ModelVersionRoute, PredictRoute, ProbeRoute } from './inference-schemas.js';
import { explainOnEndpoint } from './endpoint-explainer.js';
import { decodeOipRequest, encodeOipOutputs, inputMetadata, outputMetadata } from './open-inference-codec.js';
import { EndpointUnavailableError, servingStatusOf } from './serving-errors.js';

/** Options of the inference routes. */
export interface InferenceRouteOptions {
  /** Largest request body in bytes (413 above; default 16 MiB). */
  readonly maxBodyBytes?: number;
  /** Mount `/metrics` (default true). */
  readonly metrics?: boolean;
}

const PROJECT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The request's project: set by the auth hook when installed, else `X-Kiln-Project`, else `default`. */
function projectOf(req: FastifyRequest): string {
  const decorated = (req as FastifyRequest & { project?: string }).project;
  if (typeof decorated === 'string') return decorated;
  const header = req.headers['x-kiln-project'];
  if (header === undefined) return 'default';
  if (typeof header !== 'string' || !PROJECT.test(header)) throw new UsageError('project must be 1-63 lowercase letters, digits, "_" or "-"', { field: 'project' }, 'Send X-Kiln-Project: <project>.');
  return header;
}

/** 415 unless the body is JSON (a text/plain body would otherwise arrive as a string). */
function requireJson(req: FastifyRequest): void {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw Object.assign(new UsageError(`unsupported content type ${JSON.stringify(type.slice(0, 100))}: send application/json`, { field: 'content-type' }, 'Set Content-Type: application/json.'), { status: 415 });
  }
}

function statusOf(err: unknown): number {
  const explicit = (err as { status?: unknown }).status;
  return typeof explicit === 'number' ? explicit : servingStatusOf(err);
}

/** Native error reply (Kiln's shape); internal errors go to the app's error handler. */
function sendNative(reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof KilnError) || (statusOf(err) >= 500 && !(err instanceof EndpointUnavailableError))) throw err;
  if (err instanceof EndpointUnavailableError) void reply.header('retry-after', '5');
  return reply.code(statusOf(err)).send(err.toJSON());
}

/** OIP error reply: `{"error": message, "details": {...}}`. */
function sendOip(reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof KilnError) || (statusOf(err) >= 500 && !(err instanceof EndpointUnavailableError))) throw err;
  if (err instanceof EndpointUnavailableError) void reply.header('retry-after', '5');
  return reply.code(statusOf(err)).send({ error: err.message, code: err.code, details: err.details });
}

function versionPin(version: string): (v: VariantRoute) => boolean {
  // A version matches the full key (`churn@3`, `trained:ID`, `sha256:...`) or the part after `@`.
  return (v) => {
    const key = v.model?.key ?? v.resolved?.key;
    return key !== undefined && (key === version || key.slice(key.lastIndexOf('@') + 1) === version);
  };
}

/** Register the inference routes on `app`. */
export function registerInferenceRoutes(app: FastifyInstance, runtime: InferenceRuntime, opts: InferenceRouteOptions = {}): void {
  const bodyLimit = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const service = runtime.service;
  const predict = { permission: 'endpoints:predict', resourceParam: 'name' } as const;

  app.post<{ Params: { name: string } }>('/v1/endpoints/:name/predict', { schema: PredictRoute, bodyLimit, config: predict }, async (req, reply) => {
    try {
      requireJson(req);
      return await service.predict(projectOf(req), req.params.name, req.body, req.headers);
    } catch (err) {
      return sendNative(reply, err);
    }
  });

  // Explanations reveal more than predictions (how the model weighs each input): a read of the endpoint.
  app.post<{ Params: { name: string } }>('/v1/endpoints/:name/explain', { schema: ExplainRoute, bodyLimit, config: { permission: 'endpoints:read', resourceParam: 'name' } }, async (req, reply) => {
    try {
      requireJson(req);
      return await explainOnEndpoint(service, projectOf(req), req.params.name, req.body);
    } catch (err) {
      return sendNative(reply, err);
    }
  });

  app.get('/v2', { schema: ProbeRoute, config: { public: true } }, () => ({ name: 'kiln', version: KILN_VERSION, extensions: [] }));
  app.get('/v2/health/live', { schema: ProbeRoute, config: { public: true } }, () => ({ live: true }));
  app.get('/v2/health/ready', { schema: ProbeRoute, config: { public: true } }, (_req, reply) => {
    const ready = runtime.ready;
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  const metadata = (req: FastifyRequest<{ Params: { name: string; version?: string } }>, reply: FastifyReply): unknown => {
    try {
      const route = service.endpoint(projectOf(req), req.params.name);
      const variants = req.params.version === undefined ? route.variants : route.variants.filter(versionPin(req.params.version));
      if (variants.length === 0) throw new KilnError('not_found', `endpoint "${req.params.name}" serves no version "${req.params.version}"`, { field: 'version' });
      const model = variants.map((v) => v.model).find((m) => m !== null);
      const versions = route.variants.map((v) => v.model?.key ?? v.resolved?.key).filter((k): k is string => k !== undefined);
      if (!model) {
        const reason = route.reason ?? 'the model is not loaded yet (it loads on the first inference request)';
        return reply.code(503).header('retry-after', '5').send({ error: `model "${req.params.name}" is not ready: ${reason}`, name: req.params.name, versions });
      }
      const sig = model.scorer.signature;
      return { name: req.params.name, versions, platform: 'kiln', inputs: inputMetadata(sig.inputs), outputs: outputMetadata(sig.task, model.scorer.bundle.labels?.length ?? 0), parameters: { task: sig.task, ...(model.scorer.bundle.labels ? { labels: model.scorer.bundle.labels } : {}) } };
    } catch (err) {
      return sendOip(reply, err);
    }
  };
  const ready = (req: FastifyRequest<{ Params: { name: string; version?: string } }>, reply: FastifyReply): unknown => {
    try {
      const route = service.endpoint(projectOf(req), req.params.name);
      const variants = req.params.version === undefined ? route.variants : route.variants.filter(versionPin(req.params.version));
      if (variants.length === 0) throw new KilnError('not_found', `endpoint "${req.params.name}" serves no version "${req.params.version}"`, { field: 'version' });
      const ok = variants.every((v) => v.error === null && v.resolved !== null) && !runtime.draining;
      const reason = variants.find((v) => v.error !== null)?.error;
      return reply.code(ok ? 200 : 503).send({ name: req.params.name, ready: ok, ...(reason ? { reason } : {}) });
    } catch (err) {
      return sendOip(reply, err);
    }
  };
  const infer = async (req: FastifyRequest<{ Params: { name: string; version?: string } }>, reply: FastifyReply): Promise<unknown> => {
    try {
      requireJson(req);
      const body = req.body as { id?: unknown; outputs?: unknown } | null;
      const version = req.params.version;
      const r = await service.score(projectOf(req), req.params.name, (plan) => decodeOipRequest(body, plan), 'oip', version === undefined ? undefined : versionPin(version), { body, headers: req.headers });
      const outputs = encodeOipOutputs(r.output, r.model.task, body?.outputs);
      return {
        model_name: req.params.name,
        model_version: r.modelVersion,
        ...(typeof body?.id === 'string' ? { id: body.id } : {}),
        parameters: { variant: r.variant, prediction_ids: r.predictionIds, ...(r.fallback ? { fallback: true } : {}) },
        outputs,
      };
    } catch (err) {
      return sendOip(reply, err);
    }
  };
  app.get('/v2/models/:name', { schema: ModelRoute, config: predict }, metadata);
  app.get('/v2/models/:name/versions/:version', { schema: ModelVersionRoute, config: predict }, metadata);
  app.get('/v2/models/:name/ready', { schema: ModelRoute, config: predict }, ready);
  app.get('/v2/models/:name/versions/:version/ready', { schema: ModelVersionRoute, config: predict }, ready);
  app.post('/v2/models/:name/infer', { schema: InferRoute, bodyLimit, config: predict }, infer);
  app.post('/v2/models/:name/versions/:version/infer', { schema: InferVersionRoute, bodyLimit, config: predict }, infer);

  if (opts.metrics !== false) {
    app.get('/metrics', { schema: { hide: true }, config: { permission: 'endpoints:read' } }, async (_req, reply) => {
      return reply.header('content-type', runtime.metrics.registry.contentType).send(await runtime.metrics.text());
    });
  }
}
