/**
 * XGBoost compares `float32(x) < t` with a float32 threshold `t`; Kiln's runtime compares doubles with
 * `x <= threshold`. The largest double whose float32 rounding is below `t` turns the first test into the
 * second exactly, for every double input (ties round to even, as Math.fround does).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The largest float32 strictly below the float32 value `t`. */
function prevFloat32(t: number): number {
  if (t === 0) return -1.401298464324817e-45;
  f32[0] = t;
  if (t > 0) u32[0] -= 1;
  else u32[0] += 1;
  return f32[0];
}

/** The largest double strictly below `x`. */
function prevDouble(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  f64[0] = x;
  if (x > 0) u64[0] -= 1n;
  else u64[0] += 1n;
  return f64[0];
}

/** A threshold `thr` such that `x <= thr` exactly when `Math.fround(x) < t` (t a float32 value). */
export function float32LessThanAsLeq(t: number): number {
  if (Number.isNaN(t)) return NaN;
  if (t === -Infinity) return -Infinity;
  const p = prevFloat32(t);
  // Doubles strictly between p and t round to the nearer one; the midpoint rounds to the even one.
  const mid = t === Infinity ? Infinity : (p + t) / 2;
  return Math.fround(mid) < t ? mid : prevDouble(mid);
}
