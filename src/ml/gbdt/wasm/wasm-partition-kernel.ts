/**
 * The two passes of a numeric split's partition (`partition-kernel.ts`) in WebAssembly, generated per
 * row stride: `count` reads the split feature's bin of each row and counts the lefts; `scatter` moves
 * each row's index (and, when the data moves, its bins as 16-byte vectors and its gradient pair as one
 * vector) to the next left or right position. The side choice is the TypeScript loop's branch-free
 * arithmetic and `select`, so the result is the same unique stable partition. Measured on 200k x 28
 * splits (one thread): see docs/benchmarks.md. Categorical splits and packed gradients keep the
 * TypeScript loops.
 */
import { instantiateRun } from './wasm-api.js';
import type { WasmMemory } from './wasm-api.js';
import { I32, OP, singleFunctionModule, WasmCode } from './wasm-binary.js';

/** Counts rows [0, rows) from byte offset `bins` (row starts) whose feature `f` goes left; returns the count. */
export type WasmCountLefts = (bins: number, rows: number, f: number, thr: number, missing: number, defaultLeft: number) => number;

/**
 * Moves rows [0, rows) at byte offsets `bins` / `gh` / `idx` to the positions `dl..` (lefts) and `dr..`
 * (rights) of the destination arrays at `dstBins` / `dstGh` / `dstIdx` (position 0's byte offsets).
 */
export type WasmScatter = (bins: number, gh: number, idx: number, rows: number, dstBins: number, dstGh: number, dstIdx: number, dl: number, dr: number, f: number, thr: number, missing: number, defaultLeft: number) => void;

const SELECT = 0x1b;

/** Pop the bin on the stack into local `b` and set local `g` (1 = left): (thr - b) >>> 31 ^ 1, then the missing bin goes to the default side. */
function sideOf(c: WasmCode, b: number, thr: number, missing: number, dm: number, g: number): void {
  c.set(b).get(thr).get(b).op(OP.I32_SUB).i32(31).op(OP.I32_SHR_U).i32(1).op(OP.I32_XOR).set(g);
  // g ^= (g ^ dm) & -(b === missing)
  c.get(g).get(g).get(dm).op(OP.I32_XOR).i32(0).get(b).get(missing).op(OP.I32_EQ).op(OP.I32_SUB).op(OP.I32_AND).op(OP.I32_XOR).set(g);
}

function compile<F>(memory: WasmMemory, params: number, locals: number[], c: WasmCode, results = 0): F | undefined {
  try {
    return instantiateRun<F>(singleFunctionModule(memory.buffer.byteLength / 65_536, params, locals, c, results), memory);
  } catch {
    return undefined;
  }
}

/** The count pass for rows of `stride` bytes, or undefined where WebAssembly refuses it. */
export function compileWasmCountLefts(memory: WasmMemory, stride: number): WasmCountLefts | undefined {
  // Params 0 bins, 1 rows, 2 f, 3 thr, 4 missing, 5 dm; locals 6 end, 7 b, 8 g, 9 count.
  const c = new WasmCode();
  c.get(0).get(2).op(OP.I32_ADD).set(0);
  c.get(0).get(1).i32(stride).op(OP.I32_MUL, OP.I32_ADD).set(6);
  c.block().loop();
  c.get(0).get(6).op(OP.I32_GE_U).brIf(1);
  c.get(0).mem(OP.I32_LOAD8_U, 0, 0);
  sideOf(c, 7, 3, 4, 5, 8);
  c.get(9).get(8).op(OP.I32_ADD).set(9);
  c.get(0).i32(stride).op(OP.I32_ADD).set(0);
  c.br(0).op(OP.END, OP.END);
  c.get(9);
  // The count is the result: a one-result function type.
  return compile<WasmCountLefts>(memory, 6, [I32, I32, I32, I32], c, 1);
}

/** The scatter pass for rows of `stride` bytes (a multiple of 4), moving the data or only the row index. */
export function compileWasmScatter(memory: WasmMemory, stride: number, moveData: boolean): WasmScatter | undefined {
  // Params 0 bins, 1 gh, 2 idx, 3 rows, 4 dstBins, 5 dstGh, 6 dstIdx, 7 dl, 8 dr, 9 f, 10 thr, 11 missing,
  // 12 dm; locals 13 end, 14 b, 15 g, 16 d, 17 t.
  const c = new WasmCode();
  c.get(2).get(3).i32(4).op(OP.I32_MUL, OP.I32_ADD).set(13);
  c.block().loop();
  c.get(2).get(13).op(OP.I32_GE_U).brIf(1);
  c.get(0).get(9).op(OP.I32_ADD).mem(OP.I32_LOAD8_U, 0, 0);
  sideOf(c, 14, 10, 11, 12, 15);
  // d = g ? dl : dr; dl += g; dr += 1 - g
  c.get(7).get(8).get(15).op(SELECT).set(16);
  c.get(7).get(15).op(OP.I32_ADD).set(7);
  c.get(8).i32(1).op(OP.I32_ADD).get(15).op(OP.I32_SUB).set(8);
  c.get(6).get(16).i32(4).op(OP.I32_MUL, OP.I32_ADD).get(2).mem(OP.I32_LOAD, 2, 0).mem(OP.I32_STORE, 2, 0);
  if (moveData) {
    c.get(4).get(16).i32(stride).op(OP.I32_MUL, OP.I32_ADD).set(17);
    let o = 0;
    for (; o + 16 <= stride; o += 16) c.get(17).get(0).mem(OP.V128_LOAD, 2, o).mem(OP.V128_STORE, 2, o);
    for (; o < stride; o += 4) c.get(17).get(0).mem(OP.I32_LOAD, 2, o).mem(OP.I32_STORE, 2, o);
    c.get(5).get(16).i32(16).op(OP.I32_MUL, OP.I32_ADD).get(1).mem(OP.V128_LOAD, 3, 0).mem(OP.V128_STORE, 3, 0);
  }
  c.get(0).i32(stride).op(OP.I32_ADD).set(0);
  c.get(1).i32(16).op(OP.I32_ADD).set(1);
  c.get(2).i32(4).op(OP.I32_ADD).set(2);
  c.br(0).op(OP.END, OP.END);
  return compile<WasmScatter>(memory, 13, [I32, I32, I32, I32, I32], c);
}
