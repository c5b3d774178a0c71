/**
 * The two-sided one-sample Kolmogorov–Smirnov distribution P(D_n >= x) for finite n, following
 * Simard & L'Ecuyer (2011) exactly as scipy.stats.kstwo.sf does (scipy 1.10 `_kolmogn`): Ruben–Gambino
 * closed forms at the edges, 2 * Smirnov for large x, the Durbin matrix (Marsaglia–Tsang–Wang) for
 * small n*x^2, and the Pelz–Good expansion for large n. Where scipy uses the Pomeranz recursion we use
 * the Durbin matrix: both are exact, so results agree to rounding. Also the limiting (n -> infinity)
 * Kolmogorov distribution.
 */
import { smirnovSf } from './smirnov-distribution.js';

const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const PI2 = Math.PI * Math.PI;
const PI4 = PI2 * PI2;
const PI6 = PI4 * PI2;
const SQRT3 = Math.sqrt(3);
const MIN_LOG = -708;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
// Bernoulli-number Stirling coefficients B_2j / (2j (2j-1)), j = 8..1 (as scipy's _ksstats uses).
const STIRLING = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];

const clip = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p);

/** Survival function P(D_n >= x) of the two-sided one-sample KS statistic (scipy.stats.kstwo.sf). */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= (i / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - prob);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip(1 - durbinCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}

/** Survival function of the limiting Kolmogorov distribution, P(sqrt(n) D_n >= z) as n -> infinity. */
export function kolmogorovLimitSf(z: number): number {
  if (z <= 0) return 1;
  if (z < 1) return clip(1 - kolmogorovLimitCdfSmall(z));
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * z * z);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-17) break;
  }
  return clip(2 * sum);
}

function kolmogorovLimitCdfSmall(z: number): number {
  // Jacobi-theta form converges fast for small z: sqrt(2pi)/z * sum exp(-(2k-1)^2 pi^2 / (8 z^2)).
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const m = 2 * k - 1;
    const term = Math.exp((-m * m * PI2) / (8 * z * z));
    sum += term;
    if (term < 1e-17) break;
  }
  return (SQRT2PI / z) * sum;
}

function logFactorialOverPower(n: number): number {
  // log(n! / n^n) by Stirling with the n*log(n) removed up front to avoid cancellation.
  const rn = 1 / n;
  const r2 = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * r2 + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** P(D_n <= d) by Durbin's matrix method in the Marsaglia–Tsang–Wang form (exact). */
function durbinCdf(n: number, d: number): number {
  const nd = n * d;
  if (d >= 1) return 1;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  let P: Float64Array = identity(m);
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2 === 1) {
      P = matmul(P, H, m);
      expnt += hExpnt;
    }
    H = matmul(H, H, m);
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]) > EP128) {
      for (let i = 0; i < H.length; i++) H[i] /= EP128;
      hExpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= 128;
    }
  }
  if (expnt !== 0) p *= 2 ** expnt;
  return clip(p);
}

function identity(m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) out[i * m + i] = 1;
  return out;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l];
      if (ail === 0) continue;
      const bo = l * m;
      const oo = i * m;
      for (let j = 0; j < m; j++) out[oo + j] += ail * b[bo + j];
    }
  }
  return out;
}

/** Pelz–Good asymptotic expansion of P(D_n <= x) (accurate for large n). */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  let K0 = 0;
  let K1 = 0;
  let K2 = 0;
  let K3 = 0;
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = q ** (8 * k);
    K0 = K0 * qp + 1;
    K1 = K1 * qp + (k1a + k1b * m2);
    K2 = K2 * qp + (k2a + k2b * m2 + k2c * m4);
    K3 = K3 * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const f = q * SQRT2PI;
  K0 = (K0 * f) / z;
  K1 = (K1 * f) / (6 * z4);
  K2 = (K2 * f) / (72 * z ** 7);
  K3 = (K3 * f) / (6480 * z ** 10);
  q = Math.exp(-PI2 / 2 / z2);
  let s2 = 0;
  let s3 = 0;
  const sqrt3z = SQRT3 * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    const kpi = Math.PI * k;
    s2 += k2 * qk;
    s3 += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  K2 += (s2 * PI2 * SQRT2PI) / (-36 * z3);
  K3 += (s3 * PI2 * SQRT2PI) / (216 * z6);
  return K0 + K1 / Math.sqrt(n) + K2 / n + K3 / n ** 1.5;
}
