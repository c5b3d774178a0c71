/**
 * Typed arrays <-> JSON-safe `EncodedArray` (little-endian base64). Pure TypeScript: the runtime must
 * load bundles in browsers and edge runtimes, so no `Buffer`.
 */
import { InputError } from '../core/errors.js';
import type { EncodedArray } from './bundle-types.js';

/** Typed arrays that can be encoded. */
export type EncodableArray = Float64Array | Float32Array | Int32Array | Uint8Array | Uint16Array;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function dtypeOf(arr: EncodableArray): EncodedArray['dtype'] {
  if (arr instanceof Float64Array) return 'f64';
  if (arr instanceof Float32Array) return 'f32';
  if (arr instanceof Int32Array) return 'i32';
  if (arr instanceof Uint16Array) return 'u16';
  return 'u8';
}

/** Encode a typed array for a JSON document. */
export function encodeArray(arr: EncodableArray): EncodedArray {
  if (!LITTLE_ENDIAN) throw new InputError('big-endian platforms are not supported for bundle encoding');
  const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  return { dtype: dtypeOf(arr), length: arr.length, base64: bytesToBase64(bytes) };
}

/** Decode an EncodedArray, checking dtype and length. */
export function decodeArray(enc: EncodedArray, expected?: EncodedArray['dtype']): EncodableArray {
  if (!enc || typeof enc !== 'object' || typeof enc.base64 !== 'string') throw new InputError('malformed encoded array in bundle');
  if (expected && enc.dtype !== expected) throw new InputError(`encoded array has dtype ${enc.dtype}, expected ${expected}`);
  const bytes = base64ToBytes(enc.base64);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let out: EncodableArray;
  switch (enc.dtype) {
    case 'f64': out = new Float64Array(buf); break;
    case 'f32': out = new Float32Array(buf); break;
    case 'i32': out = new Int32Array(buf); break;
    case 'u16': out = new Uint16Array(buf); break;
    case 'u8': out = new Uint8Array(buf); break;
    default: throw new InputError(`unknown dtype ${String((enc as { dtype: unknown }).dtype)} in bundle`);
  }
  if (out.length !== enc.length) throw new InputError(`encoded array length ${out.length} does not match declared ${enc.length}`);
  return out;
}

/** Decode expecting float64. */
export function decodeF64(enc: EncodedArray): Float64Array {
  return decodeArray(enc, 'f64') as Float64Array;
}

/** Decode expecting int32. */
export function decodeI32(enc: EncodedArray): Int32Array {
  return decodeArray(enc, 'i32') as Int32Array;
}

/** Bytes to standard base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chunk += B64[(v >> 18) & 63] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  if (i < n) {
    const v = (bytes[i] << 16) | ((i + 1 < n ? bytes[i + 1] : 0) << 8);
    chunk += B64[(v >> 18) & 63] + B64[(v >> 12) & 63] + (i + 1 < n ? B64[(v >> 6) & 63] : '=') + '=';
  }
  parts.push(chunk);
  return parts.join('');
}

/** Standard base64 to bytes; rejects invalid characters. */
export function base64ToBytes(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c] : -1;
    if (v < 0) throw new InputError('invalid base64 in bundle');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out.subarray(0, o);
}
