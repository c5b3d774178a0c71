/** Messages between capture's flush and its attribution worker thread (`capture-attribution-worker.ts`). */
import type { GbdtModelArrays } from '../../runtime/gbdt/gbdt-model-state.js';

/** A fault the test hook makes the worker commit on its next job. */
export type AttributionWorkerFault = 'exit' | 'throw';

/** Main thread -> worker. */
export type AttributionRequest =
  /** A model, once per key: decoded trees (with training covers) and each feature's input index. */
  | { readonly type: 'model'; readonly key: number; readonly arrays: GbdtModelArrays; readonly sourceOf: Int32Array; readonly columns: number }
  /** The model was unloaded: forget it. */
  | { readonly type: 'drop'; readonly key: number }
  /** Explain `rows` rows of a column-major feature matrix (`data[f * rows + i]`, transferred). */
  | { readonly type: 'explain'; readonly id: number; readonly key: number; readonly data: Float64Array; readonly rows: number; readonly fault?: AttributionWorkerFault };

/** Worker -> main thread: `rows x outputs x columns` attributions and the expected value per output, or why not. */
export type AttributionResponse = { readonly id: number; readonly values: Float64Array; readonly base: Float64Array } | { readonly id: number; readonly error: string };
