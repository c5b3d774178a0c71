/**
 * Everything an inference server holds besides HTTP: the model cache, the routing table (with its change
 * polling and alias refresh), the metrics and the request path. Built once per server; the native and
 * Open Inference Protocol routes (`inference-routes.ts`) run on it, in `kiln serve` and inside `kiln server`.
 */
import type { EndpointRepository } from '../store/endpoint-repository.js';
import { EndpointRouter } from './endpoint-router.js';
import { InferenceService } from './inference-service.js';
import { ModelCache } from './model-cache.js';
import type { ModelSource } from './model-source.js';
import type { PredictionSink } from './prediction-record.js';
import type { RequestOutcomeCounter } from './request-stats-recorder.js';
import type { ScoringHooks } from './scoring-hooks.js';
import { DISCARDING_SINK } from './prediction-record.js';
import { ServingMetrics } from './serving-metrics.js';

/** Options of an inference runtime. */
export interface InferenceRuntimeOptions {
  /** Where endpoints come from (the metadata store's repository, or a fake in tests). */
  readonly endpoints: Pick<EndpointRepository, 'listAll' | 'changeVersion'>;
  readonly models: ModelSource;
  /** Receives one record per scored request (capture); discards by default. */
  readonly sink?: PredictionSink;
  /** Dropped-record count of the sink, exported as `kiln_serving_capture_dropped`. */
  readonly captureDrops?: () => number;
  /** Memory budget of loaded models in bytes (default 1 GiB); least recently used models leave first. */
  readonly memoryBudgetBytes?: number;
  readonly changePollMs?: number;
  readonly aliasRefreshMs?: number;
  /** Load every endpoint's models at start (default true); false loads each on its first request. */
  readonly preload?: boolean;
  /** Process-level metrics (GC, heap, event loop) in `/metrics` (default true). */
  readonly defaultMetrics?: boolean;
  readonly log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Builds the request-path hooks of rollouts once the router exists (`serving/rollout/rollout-routing.ts`). */
  readonly scoringHooks?: (parts: { router: EndpointRouter; sink: PredictionSink }) => ScoringHooks;
  /** Counts every request's outcome per endpoint variant (`request-stats-recorder.ts`, flushed by its owner); none = not counted. */
  readonly requestOutcomes?: RequestOutcomeCounter;
}

/** A running inference runtime. */
export interface InferenceRuntime {
  readonly service: InferenceService;
  readonly router: EndpointRouter;
  readonly cache: ModelCache;
  readonly metrics: ServingMetrics;
  /** Set while the server drains: readiness turns false. */
  draining: boolean;
  /** Ready: table loaded, no model loading, not draining. */
  readonly ready: boolean;
  /** Stop polling. */
  stop(): void;
}

/** Build and start a runtime (loads the endpoint table, and the models when preloading). */
export async function startInferenceRuntime(opts: InferenceRuntimeOptions): Promise<InferenceRuntime> {
  // Closures below run only after all three exist (on load, eviction or scrape).
  const metrics: ServingMetrics = new ServingMetrics({
    ...(opts.captureDrops ? { captureDrops: opts.captureDrops } : {}),
    defaultMetrics: opts.defaultMetrics ?? true,
    modelStats: () => ({ count: cache.snapshot().length, bytes: cache.memoryBytes }),
  });
  const cache: ModelCache = new ModelCache(
    opts.memoryBudgetBytes ?? 1024 ** 3,
    (e) => {
      metrics.modelLoads.labels(e.ok ? 'ok' : 'error').inc();
      if (e.ok) metrics.modelLoadSeconds.observe(e.seconds);
      if (e.ok) opts.log?.info({ model: e.key, loadMs: Math.round(e.seconds * 1000), memoryBytes: e.memoryBytes }, 'model loaded');
      else opts.log?.warn({ model: e.key, reason: e.error }, 'model failed to load');
    },
    (key) => router.forget(key),
  );
  const router: EndpointRouter = new EndpointRouter({
    endpoints: opts.endpoints,
    models: opts.models,
    cache,
    ...(opts.changePollMs !== undefined ? { changePollMs: opts.changePollMs } : {}),
    ...(opts.aliasRefreshMs !== undefined ? { aliasRefreshMs: opts.aliasRefreshMs } : {}),
    ...(opts.preload !== undefined ? { preload: opts.preload } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    onBatch: (endpoint, variant, rows) => metrics.batchSize.labels(endpoint, variant).observe(rows),
  });
  const sink = opts.sink ?? DISCARDING_SINK;
  const service = new InferenceService(router, metrics, sink, opts.scoringHooks?.({ router, sink }), opts.requestOutcomes);
  await router.start();
  const runtime: InferenceRuntime = {
    service,
    router,
    cache,
    metrics,
    draining: false,
    get ready() {
      return router.loaded && !cache.busy && !runtime.draining;
    },
    stop: () => router.stop(),
  };
  return runtime;
}
