/**
 * One shared WebAssembly memory for a training run's hot buffers (leaf-ordered bins and gradients, the
 * histogram pool and the row-block partials), so that the WebAssembly SIMD kernels and the TypeScript
 * code (and worker threads) work on the same bytes. Where WebAssembly SIMD or shared memory is missing,
 * the run needs more than a 32-bit memory holds, or `KILN_GBDT_WASM=0` is set, the buffers are plain
 * SharedArrayBuffers and the TypeScript kernels run: same results either way.
 */
import { instantiateRun, wasmApi } from './wasm-api.js';
import type { WasmMemory } from './wasm-api.js';
import { singleFunctionModule, WasmCode, OP, V128 } from './wasm-binary.js';

const PAGE = 65_536;
/** Largest memory asked for: 4 GiB less one page (the 32-bit address space). */
const MAX_PAGES = 65_535;

let available: boolean | undefined;
let enabled = true;

/** Switch the WebAssembly kernels off (or back on) for later training runs in this process: benchmarks' A/B and tests. */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** Whether shared memory and SIMD WebAssembly kernels can run here (and are not switched off by KILN_GBDT_WASM=0). */
export function wasmKernelsAvailable(): boolean {
  if (!enabled) return false;
  if (available !== undefined) return available;
  available = false;
  const api = wasmApi;
  if (process.env.KILN_GBDT_WASM === '0' || !api || typeof SharedArrayBuffer !== 'function') return available;
  try {
    const memory = new api.Memory({ initial: 1, maximum: 1, shared: true });
    // A probe that uses v128 load, f64x2.add and store on the shared memory.
    const c = new WasmCode().get(0).get(0).mem(OP.V128_LOAD, 3, 0).get(0).mem(OP.V128_LOAD, 3, 16).op(...OP.F64X2_ADD).mem(OP.V128_STORE, 3, 0);
    const run = instantiateRun<(p: number) => void>(singleFunctionModule(1, 1, [V128], c), memory);
    const f = new Float64Array(memory.buffer, 0, 4);
    f.set([1, 2, 3, 4]);
    run(0);
    available = f[0] === 4 && f[1] === 6;
  } catch {
    available = false;
  }
  return available;
}

/** Carves 64-byte aligned typed arrays out of one shared WebAssembly memory. */
export class KernelMemory {
  readonly memory: WasmMemory;
  private next = 0;

  private constructor(memory: WasmMemory) {
    this.memory = memory;
  }

  /** A memory of at least `bytes` (the sum of `KernelMemory.size` of every array to carve), or undefined where the kernels cannot run. */
  static create(bytes: number): KernelMemory | undefined {
    const pages = Math.ceil(bytes / PAGE) + 1;
    if (!wasmKernelsAvailable() || !wasmApi || pages > MAX_PAGES) return undefined;
    try {
      return new KernelMemory(new wasmApi.Memory({ initial: pages, maximum: pages, shared: true }));
    } catch {
      // Address space or memory refused: the SharedArrayBuffer path still trains.
      return undefined;
    }
  }

  /** Bytes that an array of `bytes` takes in the memory (with its alignment). */
  static size(bytes: number): number {
    return (bytes + 63) & ~63;
  }

  private take(bytes: number): number {
    const at = this.next;
    this.next += KernelMemory.size(bytes);
    if (this.next > this.memory.buffer.byteLength) throw new RangeError('kernel memory: more carved than sized');
    return at;
  }

  /** A zeroed Float64Array of `length` elements. */
  f64(length: number): Float64Array {
    return new Float64Array(this.memory.buffer, this.take(8 * length), length);
  }

  /** A zeroed Int32Array of `length` elements. */
  i32(length: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.take(4 * length), length);
  }

  /** A zeroed Uint8Array of `length` elements. */
  u8(length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, this.take(length), length);
  }
}
