/**
 * A minimal WebAssembly binary writer for the GBDT kernels: one module that imports a shared memory and
 * exports one function, whose body is emitted instruction by instruction. Kernels are generated at run
 * time from a training run's bin layout (offsets become load/store immediates), so there is no build
 * step and no committed binary: this file and the kernel generators are the source. Only the handful of
 * opcodes the kernels use are here (core MVP, threads' shared memory limits, and fixed-width SIMD).
 */

/** Value types of locals and parameters. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export const V128 = 0x7b;

function uleb(n: number, out: number[]): void {
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

function sleb(n: number, out: number[]): void {
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  for (const b of body) out.push(b);
}

/** Instruction stream of one function body; local indices count the parameters first. */
export class WasmCode {
  readonly bytes: number[] = [];
  /** `local.get i`. */
  get(i: number): this {
    this.bytes.push(0x20, i);
    return this;
  }
  /** `local.set i`. */
  set(i: number): this {
    this.bytes.push(0x21, i);
    return this;
  }
  /** `local.tee i`. */
  tee(i: number): this {
    this.bytes.push(0x22, i);
    return this;
  }
  /** `i32.const v`. */
  i32(v: number): this {
    this.bytes.push(0x41);
    sleb(v, this.bytes);
    return this;
  }
  /** `f64.const v` (little-endian IEEE bits). */
  f64(v: number): this {
    this.bytes.push(0x44);
    const b = new Uint8Array(new Float64Array([v]).buffer);
    for (let i = 0; i < 8; i++) this.bytes.push(b[i]);
    return this;
  }
  /** `i64.const v` for small integers. */
  i64(v: number): this {
    this.bytes.push(0x42);
    sleb(v, this.bytes);
    return this;
  }
  /** `if` with no result (then `op(OP.ELSE)`, closed by `op(OP.END)`). */
  if(): this {
    this.bytes.push(0x04, 0x40);
    return this;
  }
  /** A plain opcode (arithmetic, comparisons, `end` = 0x0b). */
  op(...codes: number[]): this {
    for (const c of codes) this.bytes.push(c);
    return this;
  }
  /** `block` / `loop` with no result (closed by `op(END)`). */
  block(): this {
    this.bytes.push(0x02, 0x40);
    return this;
  }
  /** See `block`. */
  loop(): this {
    this.bytes.push(0x03, 0x40);
    return this;
  }
  /** `br depth`. */
  br(depth: number): this {
    this.bytes.push(0x0c, depth);
    return this;
  }
  /** `br_if depth`. */
  brIf(depth: number): this {
    this.bytes.push(0x0d, depth);
    return this;
  }
  /** A memory access: `opcode` bytes then the memarg (log2 alignment, constant byte offset). */
  mem(opcode: readonly number[], alignLog2: number, offset: number): this {
    for (const c of opcode) this.bytes.push(c);
    uleb(alignLog2, this.bytes);
    uleb(offset, this.bytes);
    return this;
  }
}

/** Opcodes used by the kernels. */
export const OP = {
  END: 0x0b,
  ELSE: 0x05,
  SELECT: 0x1b,
  I32_EQZ: 0x45,
  I32_TRUNC_F64_S: 0xaa,
  I64_EXTEND_I32_S: 0xac,
  I64_ADD: 0x7c,
  I64_SHL: 0x86,
  F64_LT: 0x63,
  F64_GE: 0x66,
  F64_ABS: 0x99,
  F64_NEG: 0x9a,
  F64_ADD: 0xa0,
  F64_SUB: 0xa1,
  F64_MUL: 0xa2,
  F64_DIV: 0xa3,
  F64_MAX: 0xa5,
  F64_CONVERT_I32_S: 0xb7,
  F64_REINTERPRET_I64: 0xbf,
  I32_EQ: 0x46,
  I32_NE: 0x47,
  I32_LT_U: 0x49,
  I32_GE_U: 0x4f,
  I32_ADD: 0x6a,
  I32_SUB: 0x6b,
  I32_MUL: 0x6c,
  I32_AND: 0x71,
  I32_OR: 0x72,
  I32_XOR: 0x73,
  I32_SHL: 0x74,
  I32_SHR_U: 0x76,
  I32_LOAD: [0x28],
  I32_LOAD8_U: [0x2d],
  I32_STORE: [0x36],
  F64_LOAD: [0x2b],
  F64_STORE: [0x39],
  V128_LOAD: [0xfd, 0x00],
  V128_STORE: [0xfd, 0x0b],
  F64X2_ADD: [0xfd, 0xf0, 0x01],
} as const;

/**
 * A module importing memory `env.memory` (shared, exactly `pages` 64 KiB pages) and exporting function
 * `run` with `params` i32 parameters, extra `locals` (value types), the given body (without the final
 * `end`) and `results` i32 results (0 or 1).
 */
export function singleFunctionModule(pages: number, params: number, locals: readonly number[], body: WasmCode, results = 0): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const type: number[] = [1, 0x60];
  uleb(params, type);
  for (let i = 0; i < params; i++) type.push(I32);
  type.push(results);
  for (let i = 0; i < results; i++) type.push(I32);
  section(1, type, out);
  const imp: number[] = [1];
  name('env', imp);
  name('memory', imp);
  // Memory import with limits flag 3: maximum present, shared.
  imp.push(0x02, 0x03);
  uleb(pages, imp);
  uleb(pages, imp);
  section(2, imp, out);
  section(3, [1, 0], out);
  const exp: number[] = [1];
  name('run', exp);
  exp.push(0x00, 0);
  section(7, exp, out);
  // Locals as runs of equal types.
  const decl: number[] = [];
  const runs: Array<[number, number]> = [];
  for (const t of locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  uleb(runs.length, decl);
  for (const [count, t] of runs) {
    uleb(count, decl);
    decl.push(t);
  }
  const fn = [...decl, ...body.bytes, OP.END];
  const code: number[] = [1];
  uleb(fn.length, code);
  for (const b of fn) code.push(b);
  section(10, code, out);
  return Uint8Array.from(out);
}
