/**
 * Prometheus metrics of the inference server (prom-client), on a registry of its own so several servers
 * in one process (tests) never share counters. Labels are endpoint and variant names, which are
 * validated (bounded alphabet, bounded count), never raw request data.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds: sub-millisecond resolution where the goals are (p99 < 2-10 ms). */
const LATENCY_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];

/** The metric children of one endpoint variant, resolved once (label lookups off the request path). */
export interface VariantMetrics {
  readonly ok: { inc(n?: number): void };
  readonly latency: { observe(v: number): void };
  readonly batchSize: { observe(v: number): void };
  readonly instances: { inc(n?: number): void };
  readonly unseenCategories: { inc(n?: number): void };
}

/** The server's metrics. */
export class ServingMetrics {
  private readonly variants = new Map<string, VariantMetrics>();
  readonly registry = new Registry();
  readonly requests: Counter<'endpoint' | 'variant' | 'protocol' | 'status'>;
  readonly latency: Histogram<'endpoint' | 'variant'>;
  readonly errors: Counter<'endpoint' | 'variant' | 'code'>;
  readonly batchSize: Histogram<'endpoint' | 'variant'>;
  readonly instances: Counter<'endpoint' | 'variant'>;
  readonly unseenCategories: Counter<'endpoint' | 'variant'>;
  readonly modelLoads: Counter<'result'>;
  readonly modelLoadSeconds: Histogram;
  readonly modelMemory: Gauge;
  readonly modelsLoaded: Gauge;
  readonly shed: Counter;

  constructor(opts: { captureDrops?: () => number; defaultMetrics?: boolean; modelStats?: () => { count: number; bytes: number } } = {}) {
    const r = [this.registry];
    this.requests = new Counter({ name: 'kiln_serving_requests_total', help: 'Predict requests by endpoint, variant, protocol and HTTP status', labelNames: ['endpoint', 'variant', 'protocol', 'status'], registers: r });
    this.latency = new Histogram({ name: 'kiln_serving_request_duration_seconds', help: 'Predict latency inside the server (parse to reply)', labelNames: ['endpoint', 'variant'], buckets: LATENCY_BUCKETS, registers: r });
    this.errors = new Counter({ name: 'kiln_serving_errors_total', help: 'Refused or failed predict requests by error code', labelNames: ['endpoint', 'variant', 'code'], registers: r });
    this.batchSize = new Histogram({ name: 'kiln_serving_batch_size', help: 'Rows scored per model call (adaptive batching groups requests)', labelNames: ['endpoint', 'variant'], buckets: BATCH_BUCKETS, registers: r });
    this.instances = new Counter({ name: 'kiln_serving_instances_total', help: 'Instances scored', labelNames: ['endpoint', 'variant'], registers: r });
    this.unseenCategories = new Counter({ name: 'kiln_serving_unseen_categories_total', help: 'Values whose category training never saw (scored as missing)', labelNames: ['endpoint', 'variant'], registers: r });
    this.modelLoads = new Counter({ name: 'kiln_serving_model_loads_total', help: 'Model loads by result', labelNames: ['result'], registers: r });
    this.modelLoadSeconds = new Histogram({ name: 'kiln_serving_model_load_seconds', help: 'Time to fetch, compile and warm a model', buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers: r });
    const stats = opts.modelStats;
    this.modelMemory = new Gauge({ name: 'kiln_serving_model_memory_bytes', help: 'Estimated memory held by loaded models', registers: r, collect() { if (stats) this.set(stats().bytes); } });
    this.modelsLoaded = new Gauge({ name: 'kiln_serving_models_loaded', help: 'Models in memory', registers: r, collect() { if (stats) this.set(stats().count); } });
    this.shed = new Counter({ name: 'kiln_serving_shed_total', help: 'Requests refused with 503 under load (event-loop delay or memory)', registers: r });
    const drops = opts.captureDrops;
    new Gauge({ name: 'kiln_serving_capture_dropped', help: 'Prediction records capture dropped (buffer full)', registers: r, collect() { this.set(drops ? drops() : 0); } });
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'kiln_serving_' });
  }

  /** Children for a successful native/OIP request of `endpoint`/`variant` (cached). */
  forVariant(endpoint: string, variant: string, protocol: string): VariantMetrics {
    const key = `${endpoint}\u0000${variant}\u0000${protocol}`;
    let m = this.variants.get(key);
    if (!m) {
      m = {
        ok: this.requests.labels(endpoint, variant, protocol, '200'),
        latency: this.latency.labels(endpoint, variant),
        batchSize: this.batchSize.labels(endpoint, variant),
        instances: this.instances.labels(endpoint, variant),
        unseenCategories: this.unseenCategories.labels(endpoint, variant),
      };
      this.variants.set(key, m);
    }
    return m;
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
