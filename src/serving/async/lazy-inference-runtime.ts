/**
 * An inference runtime started on first use: the process that runs jobs (`kiln server`, `kiln worker`)
 * scores async-inference jobs through the same request path as the HTTP routes (variant choice,
 * validation, unseen-category policy), but most processes never run one, so none is started up front,
 * and its module (model cache, Prometheus metrics) is not even loaded until then.
 */
import type { InferenceRuntime, InferenceRuntimeOptions } from '../inference-runtime.js';

/** A runtime started on the first `get()`; `stop()` stops it if it was started. */
export interface LazyInferenceRuntime {
  get(): Promise<InferenceRuntime>;
  stop(): Promise<void>;
}

/** Lazily start a runtime with `opts` (models load on first request; no process metrics). */
export function lazyInferenceRuntime(opts: InferenceRuntimeOptions): LazyInferenceRuntime {
  let started: Promise<InferenceRuntime> | null = null;
  return {
    get: () => {
      started ??= import('../inference-runtime.js').then(({ startInferenceRuntime }) => startInferenceRuntime({ preload: false, defaultMetrics: false, ...opts })).catch((err: unknown) => {
        started = null;
        throw err;
      });
      return started;
    },
    stop: async () => {
      const s = started;
      started = null;
      if (s) (await s.catch(() => null))?.stop();
    },
  };
}
