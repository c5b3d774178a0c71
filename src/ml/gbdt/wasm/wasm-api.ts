/**
 * The part of the WebAssembly JavaScript API that the kernels use, typed here because the project's
 * Node type definitions (and its ES-only `lib`) do not declare it; undefined where the runtime has none.
 */

/** A WebAssembly linear memory (shared: its `buffer` is a SharedArrayBuffer that worker threads can view). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}

/** The runtime's WebAssembly API, or undefined. */
export const wasmApi: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Compile `bytes` (a module importing `env.memory`) against `memory` and return its export `run`. */
export function instantiateRun<F>(bytes: Uint8Array, memory: WasmMemory): F {
  if (!wasmApi) throw new RangeError('WebAssembly is not available');
  return new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } }).exports.run as F;
}
