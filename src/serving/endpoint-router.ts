/**
 * The routing table of an inference server: every endpoint of every project with its variants resolved
 * to models. It polls the store's endpoint change counter (a one-row read) and rebuilds the table when it
 * moves, so every server sees endpoint changes within `changePollMs`. References that can move (aliases)
 * are re-resolved every `aliasRefreshMs`; when one points elsewhere the new model is loaded and warmed
 * first, then swapped in with one assignment, and the old one is dropped once its in-flight requests end:
 * no request ever fails because of a swap.
 */
import { asKilnError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { EndpointRecord, EndpointRepository } from '../store/endpoint-repository.js';
import { AdaptiveBatcher } from './adaptive-batcher.js';
import type { LoadedModel } from './loaded-model.js';
import type { ModelCache } from './model-cache.js';
import type { ModelSource, ResolvedModel } from './model-source.js';

/** One variant as served now. */
export class VariantRoute {
  resolved: ResolvedModel | null = null;
  model: LoadedModel | null = null;
  batcher: AdaptiveBatcher | null = null;
  /** Why the variant cannot serve (unknown model, corrupt artifact); null when fine. */
  error: string | null = null;
  constructor(
    readonly name: string,
    readonly ref: string,
    readonly weight: number,
  ) {}
}

/** One endpoint as served now. */
export class EndpointRoute {
  private readonly cumulative: number[];
  constructor(
    readonly record: EndpointRecord,
    readonly variants: readonly VariantRoute[],
  ) {
    let sum = 0;
    this.cumulative = variants.map((v) => (sum += v.weight));
  }

  /** A variant by traffic weight (`u` uniform in [0, 1)). */
  pick(u: number): VariantRoute {
    if (this.variants.length === 1) return this.variants[0];
    const x = u * this.cumulative[this.cumulative.length - 1];
    for (let i = 0; i < this.variants.length; i++) if (x < this.cumulative[i]) return this.variants[i];
    return this.variants[this.variants.length - 1];
  }

  /** Ready when every variant is resolved and loaded without error. */
  get ready(): boolean {
    return this.variants.every((v) => v.error === null && v.resolved !== null);
  }

  /** The first variant's problem, for readiness answers. */
  get reason(): string | null {
    const bad = this.variants.find((v) => v.error !== null);
    return bad ? `variant "${bad.name}": ${bad.error}` : null;
  }
}

/** Options of the router. */
export interface EndpointRouterOptions {
  readonly endpoints: Pick<EndpointRepository, 'listAll' | 'changeVersion'>;
  readonly models: ModelSource;
  readonly cache: ModelCache;
  /** How often to poll the change counter (default 1000 ms; 0 = never). */
  readonly changePollMs?: number;
  /** How often to re-resolve moving references (default 2000 ms; 0 = never). */
  readonly aliasRefreshMs?: number;
  /** Load every model at start and on change (default true); false loads on first request. */
  readonly preload?: boolean;
  /** Seed of the traffic split. */
  readonly seed?: number;
  readonly onBatch?: (endpoint: string, variant: string, rows: number) => void;
  readonly log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

function keyOf(project: string, name: string): string {
  return `${project}\u0000${name}`;
}

/** Endpoints to models, kept current. */
export class EndpointRouter {
  private routes = new Map<string, EndpointRoute>();
  private version = -1;
  private timers: NodeJS.Timeout[] = [];
  private refreshing: Promise<void> | null = null;
  private readonly rng: Rng;
  /** Models swapped out, dropped when their last request ends. */
  private readonly retired = new Set<LoadedModel>();
  private started = false;

  constructor(private readonly opts: EndpointRouterOptions) {
    this.rng = new Rng(opts.seed ?? 20261204);
  }

  /** Load the table (and the models, when preloading), then start polling. */
  async start(): Promise<void> {
    await this.refresh();
    this.started = true;
    const poll = this.opts.changePollMs ?? 1000;
    if (poll > 0) this.timers.push(setInterval(() => void this.refresh().catch((err: unknown) => this.opts.log?.warn({ err }, 'endpoint refresh failed')), poll).unref());
    const alias = this.opts.aliasRefreshMs ?? 2000;
    if (alias > 0) this.timers.push(setInterval(() => void this.refreshAliases().catch((err: unknown) => this.opts.log?.warn({ err }, 'alias refresh failed')), alias).unref());
  }

  /** Stop polling. */
  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** True once the first table is loaded. */
  get loaded(): boolean {
    return this.started;
  }

  /** An endpoint, or undefined. */
  get(project: string, name: string): EndpointRoute | undefined {
    return this.routes.get(keyOf(project, name));
  }

  /** Every endpoint served. */
  all(): EndpointRoute[] {
    return [...this.routes.values()];
  }

  /** A variant of `route` by traffic weight. */
  pick(route: EndpointRoute): VariantRoute {
    return route.pick(route.variants.length === 1 ? 0 : this.rng.next());
  }

  /** The loaded model of a variant, loading it when evicted or never loaded (lazy). */
  async modelOf(v: VariantRoute): Promise<LoadedModel> {
    if (v.model) return v.model;
    if (!v.resolved) throw asKilnError(new Error(v.error ?? 'model not resolved'));
    const resolved = v.resolved;
    const model = await this.opts.cache.get(resolved);
    if (v.resolved === resolved) v.model = model;
    return model;
  }

  /** Mark a request done with `model`; a retired model is dropped after its last one. */
  release(model: LoadedModel): void {
    model.inFlight--;
    if (model.inFlight === 0 && this.retired.has(model)) this.drop(model);
  }

  /** Forget pointers to an evicted model (the cache calls this). */
  forget(key: string): void {
    for (const r of this.routes.values()) {
      for (const v of r.variants) {
        if (v.model?.key === key) {
          v.model = null;
          v.batcher = null;
        }
      }
    }
  }

  /** Re-read the table if the change counter moved (one poll at a time). */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const version = await this.opts.endpoints.changeVersion();
    if (version === this.version) return;
    const records = await this.opts.endpoints.listAll();
    const next = new Map<string, EndpointRoute>();
    for (const record of records) {
      const key = keyOf(record.project, record.name);
      const old = this.routes.get(key);
      if (old && old.record.revision === record.revision) {
        next.set(key, old);
        continue;
      }
      const variants = await Promise.all(
        record.variants.map(async (spec) => {
          const same = old?.variants.find((v) => v.name === spec.name && v.ref === spec.model && v.error === null);
          if (same && same.weight === spec.weight) {
            // Settings (batching) may have changed with the revision: rebuild the batcher.
            if (same.model) this.attach(same, same.model, record);
            return same;
          }
          const v = new VariantRoute(spec.name, spec.model, spec.weight);
          await this.resolveInto(v, record);
          return v;
        }),
      );
      next.set(key, new EndpointRoute(record, variants));
    }
    const before = this.routes;
    this.routes = next;
    this.version = version;
    for (const r of before.values()) for (const v of r.variants) if (v.model) this.retireIfUnused(v.model);
  }

  private async resolveInto(v: VariantRoute, record: EndpointRecord): Promise<void> {
    try {
      v.resolved = await this.opts.models.resolve(v.ref, record.project);
      if (this.opts.preload ?? true) this.attach(v, await this.opts.cache.get(v.resolved), record);
    } catch (err) {
      v.error = asKilnError(err).message;
      this.opts.log?.warn({ endpoint: record.name, variant: v.name, model: v.ref, reason: v.error }, 'endpoint variant not ready');
    }
  }

  private attach(v: VariantRoute, model: LoadedModel, record: EndpointRecord): void {
    v.model = model;
    const b = record.settings.batching;
    v.batcher = b ? new AdaptiveBatcher(model, b.maxBatchSize, b.maxWaitMs, (rows) => this.opts.onBatch?.(record.name, v.name, rows)) : null;
  }

  /** The batcher of a variant for `model` (built lazily when batching is on). */
  batcherOf(route: EndpointRoute, v: VariantRoute, model: LoadedModel): AdaptiveBatcher | null {
    const b = route.record.settings.batching;
    if (!b) return null;
    if (v.model === model && v.batcher) return v.batcher;
    this.attach(v, model, route.record);
    return v.batcher;
  }

  /** Re-resolve moving references; swap in a new version once it is loaded and warm. */
  async refreshAliases(): Promise<void> {
    for (const route of this.routes.values()) {
      for (const v of route.variants) {
        if (!v.resolved?.moving) continue;
        let next: ResolvedModel;
        try {
          next = await this.opts.models.resolve(v.ref, route.record.project);
        } catch (err) {
          // The alias vanished or the registry is unreachable: keep serving what is loaded.
          this.opts.log?.warn({ endpoint: route.record.name, variant: v.name, reason: asKilnError(err).message }, 'alias re-resolution failed; serving the current version');
          continue;
        }
        if (next.key === v.resolved.key) continue;
        let model: LoadedModel;
        try {
          model = await this.opts.cache.get(next);
        } catch (err) {
          this.opts.log?.warn({ endpoint: route.record.name, variant: v.name, model: next.key, reason: asKilnError(err).message }, 'new version failed to load; serving the current version');
          continue;
        }
        const old = v.model;
        v.resolved = next;
        this.attach(v, model, route.record);
        this.opts.log?.info({ endpoint: route.record.name, variant: v.name, from: old?.key, to: next.key }, 'hot-swapped model');
        if (old && old !== model) this.retireIfUnused(old);
      }
    }
  }

  private retireIfUnused(model: LoadedModel): void {
    for (const r of this.routes.values()) for (const v of r.variants) if (v.model === model || v.resolved?.key === model.key) return;
    if (model.inFlight === 0) this.drop(model);
    else this.retired.add(model);
  }

  private drop(model: LoadedModel): void {
    this.retired.delete(model);
    this.opts.cache.evict(model.key);
  }
}
