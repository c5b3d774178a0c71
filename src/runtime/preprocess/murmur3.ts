/**
 * MurmurHash3 (x86, 32-bit) of a string's UTF-8 bytes, signed, as scikit-learn's
 * `murmurhash3_32(s, seed, positive=False)` computes it for FeatureHasher and HashingVectorizer.
 * UTF-8 is produced by hand so the runtime needs no TextEncoder or Buffer.
 */

let scratch = new Uint8Array(256);

function utf8(s: string): number {
  if (scratch.length < s.length * 4) scratch = new Uint8Array(s.length * 4);
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) scratch[o++] = c;
    else if (c < 0x800) {
      scratch[o++] = 0xc0 | (c >> 6);
      scratch[o++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      scratch[o++] = 0xe0 | (c >> 12);
      scratch[o++] = 0x80 | ((c >> 6) & 63);
      scratch[o++] = 0x80 | (c & 63);
    } else {
      scratch[o++] = 0xf0 | (c >> 18);
      scratch[o++] = 0x80 | ((c >> 12) & 63);
      scratch[o++] = 0x80 | ((c >> 6) & 63);
      scratch[o++] = 0x80 | (c & 63);
    }
  }
  return o;
}

/** Signed 32-bit MurmurHash3 of the UTF-8 encoding of `s`. */
export function murmur3Signed(s: string, seed = 0): number {
  const len = utf8(s);
  const b = scratch;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed | 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= b[blocks + 2] << 16;
    if (tail >= 2) k ^= b[blocks + 1] << 8;
    k ^= b[blocks];
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
