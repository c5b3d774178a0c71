/**
 * Loaded models by key, least recently used first out once their estimated memory passes the budget.
 * Concurrent requests for a model not in memory share one load. An evicted model still serves the
 * requests holding it (they keep a reference); the next request loads it again (lazy loading).
 */
import { performance } from 'node:perf_hooks';
import { asKilnError } from '../core/errors.js';
import { LoadedModel } from './loaded-model.js';
import type { ResolvedModel } from './model-source.js';

/** What the cache reports about each load (for metrics and logs). */
export interface ModelLoadEvent {
  readonly key: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly memoryBytes: number;
  readonly error?: string;
}

/** One entry of `snapshot()`. */
export interface CachedModelInfo {
  readonly key: string;
  readonly loadMs: number;
  readonly memoryBytes: number;
  readonly inFlight: number;
}

/** An LRU of loaded models under a memory budget. */
export class ModelCache {
  /** Insertion order = recency: a hit re-inserts the key. */
  private readonly models = new Map<string, LoadedModel>();
  private readonly loading = new Map<string, Promise<LoadedModel>>();
  private bytes = 0;

  constructor(
    private readonly budgetBytes: number,
    private readonly onLoad: (event: ModelLoadEvent) => void = () => undefined,
    private readonly onEvict: (key: string) => void = () => undefined,
  ) {}

  /** The model if already in memory (and marks it recently used). */
  peek(key: string): LoadedModel | undefined {
    const m = this.models.get(key);
    if (m) {
      this.models.delete(key);
      this.models.set(key, m);
    }
    return m;
  }

  /** The loaded model for `resolved`, loading it (once, however many ask) when needed. */
  get(resolved: ResolvedModel): Promise<LoadedModel> {
    const hit = this.peek(resolved.key);
    if (hit) return Promise.resolve(hit);
    let pending = this.loading.get(resolved.key);
    if (!pending) {
      pending = this.load(resolved).finally(() => this.loading.delete(resolved.key));
      this.loading.set(resolved.key, pending);
    }
    return pending;
  }

  /** Whether a load of `key` is under way. */
  isLoading(key: string): boolean {
    return this.loading.has(key);
  }

  /** Any load under way (readiness is false meanwhile). */
  get busy(): boolean {
    return this.loading.size > 0;
  }

  /** Drop a model (after a swap, once nothing uses it). */
  evict(key: string): void {
    const m = this.models.get(key);
    if (!m) return;
    this.models.delete(key);
    this.bytes -= m.memoryBytes;
    this.onEvict(key);
    void disposeWhenIdle(m);
  }

  /** Models in memory, least recently used first. */
  snapshot(): CachedModelInfo[] {
    return [...this.models.values()].map((m) => ({ key: m.key, loadMs: m.loadMs, memoryBytes: m.memoryBytes, inFlight: m.inFlight }));
  }

  /** Estimated bytes held. */
  get memoryBytes(): number {
    return this.bytes;
  }

  private async load(resolved: ResolvedModel): Promise<LoadedModel> {
    const started = performance.now();
    let model: LoadedModel;
    try {
      if (resolved.format === 'onnx' && resolved.loadBytes) {
        const { OnnxLoadedModel } = await import('./onnx-loaded-model.js');
        model = await OnnxLoadedModel.fromOnnx(resolved.key, await resolved.loadBytes());
      } else model = LoadedModel.fromBundle(resolved.key, await resolved.load());
    } catch (err) {
      this.onLoad({ key: resolved.key, ok: false, seconds: (performance.now() - started) / 1000, memoryBytes: 0, error: asKilnError(err).message });
      throw err;
    }
    this.models.set(model.key, model);
    this.bytes += model.memoryBytes;
    this.onLoad({ key: model.key, ok: true, seconds: (performance.now() - started) / 1000, memoryBytes: model.memoryBytes });
    this.shrink(model.key);
    return model;
  }

  /** Evict least recently used models (never `keep`, the one just loaded) until under budget. */
  private shrink(keep: string): void {
    for (const key of this.models.keys()) {
      if (this.bytes <= this.budgetBytes) return;
      if (key !== keep) this.evict(key);
    }
  }
}

/**
 * Dispose an evicted model once its in-flight requests ended (checked every 100 ms, at most a minute):
 * after eviction no new request can reach it (the router forgot it), so only running ones hold it.
 */
async function disposeWhenIdle(model: LoadedModel): Promise<void> {
  for (let i = 0; i < 600 && model.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100).unref());
  await model.dispose().catch(() => undefined);
}
