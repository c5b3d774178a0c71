/**
 * Logistic-loss gradients in WebAssembly: per row p = 1 / (1 + e^-s), grad p - y, hess max(p(1 - p),
 * 1e-16), the binary objective's formulas in the same operation order. `Math.exp` is a call into a
 * builtin from JavaScript (~10 ns a row, most of the pass); here e^x is fdlibm's `__ieee754_exp`, the
 * algorithm V8's `Math.exp` ports, in plain IEEE arithmetic: reduction by k·ln2 in two parts, the
 * degree-5 remez polynomial, scaling by 2^k built from its bits. fdlibm's separate branches for
 * |x| <= ln2/2 (k = 0) and |x| < 1.5 ln2 (k = ±1) do exactly the roundings of the general reduction
 * with those k, so one path serves them. The gradients are the same bits as the JavaScript loop's
 * (tested, and the models' bytes with and without). Rows with |s| >= 708 (fdlibm's overflow and
 * subnormal range) or NaN are counted and left to the JavaScript loop.
 */
import { instantiateRun } from './wasm-api.js';
import type { WasmMemory } from './wasm-api.js';
import { F64, I32, OP, singleFunctionModule, WasmCode } from './wasm-binary.js';

/** Fills (grad, hess) pairs at byte offset `gh` for `rows` scores at `scores` and labels at `y`; returns the rows it left (|s| >= 708 or NaN). */
export type WasmBinaryGradients = (scores: number, y: number, gh: number, rows: number) => number;

// fdlibm e_exp.c constants.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
/** exp(x) = 1 + x below this |x| (2^-28). */
const TINY = 2 ** -28;
const LARGE = 708;

/** Compile the pass over `memory`, or undefined where WebAssembly refuses it. */
export function compileWasmBinaryGradients(memory: WasmMemory): WasmBinaryGradients | undefined {
  // Params 0 scores, 1 y, 2 gh, 3 rows; i32 locals 4 end, 5 k, 6 left; f64 locals 7 x, 8 ax, 9 e, 10 hi,
  // 11 lo, 12 r, 13 t, 14 c, 15 p, 16 kd.
  const c = new WasmCode();
  c.get(0).get(3).i32(8).op(OP.I32_MUL, OP.I32_ADD).set(4);
  c.block().loop();
  c.get(0).get(4).op(OP.I32_GE_U).brIf(1);
  c.get(0).mem(OP.F64_LOAD, 3, 0).op(OP.F64_NEG).set(7);
  c.get(7).op(OP.F64_ABS).set(8);
  c.get(8).f64(LARGE).op(OP.F64_LT, OP.I32_EQZ).if();
  c.get(6).i32(1).op(OP.I32_ADD).set(6);
  c.op(OP.ELSE);
  c.get(8).f64(TINY).op(OP.F64_LT).if();
  c.f64(1).get(7).op(OP.F64_ADD).set(9);
  c.op(OP.ELSE);
  // k = (int)(x / ln2 ± 0.5), truncated toward zero as fdlibm's cast.
  c.f64(INV_LN2).get(7).op(OP.F64_MUL).f64(-0.5).f64(0.5).get(7).f64(0).op(OP.F64_LT, OP.SELECT, OP.F64_ADD, OP.I32_TRUNC_F64_S).set(5);
  c.get(5).op(OP.F64_CONVERT_I32_S).set(16);
  c.get(7).get(16).f64(LN2_HI).op(OP.F64_MUL, OP.F64_SUB).set(10);
  c.get(16).f64(LN2_LO).op(OP.F64_MUL).set(11);
  c.get(10).get(11).op(OP.F64_SUB).set(12);
  c.get(12).get(12).op(OP.F64_MUL).set(13);
  // c = r - t·(P1 + t·(P2 + t·(P3 + t·(P4 + t·P5))))
  c.get(12).f64(P1).get(13).f64(P2).get(13).f64(P3).get(13).f64(P4).get(13).f64(P5);
  c.op(OP.F64_MUL, OP.F64_ADD, OP.F64_MUL, OP.F64_ADD, OP.F64_MUL, OP.F64_ADD, OP.F64_MUL, OP.F64_ADD);
  c.get(13).op(OP.F64_MUL, OP.F64_SUB).set(14);
  // y = 1 - ((lo - r·c / (2 - c)) - hi), times 2^k from the exponent bits.
  c.f64(1).get(11).get(12).get(14).op(OP.F64_MUL).f64(2).get(14).op(OP.F64_SUB, OP.F64_DIV, OP.F64_SUB).get(10).op(OP.F64_SUB, OP.F64_SUB);
  c.get(5).op(OP.I64_EXTEND_I32_S).i64(1023).op(OP.I64_ADD).i64(52).op(OP.I64_SHL, OP.F64_REINTERPRET_I64, OP.F64_MUL).set(9);
  c.op(OP.END);
  c.f64(1).f64(1).get(9).op(OP.F64_ADD, OP.F64_DIV).set(15);
  c.get(2).get(15).get(1).mem(OP.F64_LOAD, 3, 0).op(OP.F64_SUB).mem(OP.F64_STORE, 3, 0);
  c.get(2).get(15).f64(1).get(15).op(OP.F64_SUB, OP.F64_MUL).f64(1e-16).op(OP.F64_MAX).mem(OP.F64_STORE, 3, 8);
  c.op(OP.END);
  c.get(0).i32(8).op(OP.I32_ADD).set(0);
  c.get(1).i32(8).op(OP.I32_ADD).set(1);
  c.get(2).i32(16).op(OP.I32_ADD).set(2);
  c.br(0).op(OP.END, OP.END);
  c.get(6);
  try {
    return instantiateRun<WasmBinaryGradients>(singleFunctionModule(memory.buffer.byteLength / 65_536, 4, [I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64], c, 1), memory);
  } catch {
    return undefined;
  }
}
