import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { sha256Hex, sha256HexOfString } from './sha256.js';

describe('sha256Hex', () => {
  it('matches the FIPS test vectors', () => {
    expect(sha256HexOfString('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256HexOfString('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('matches node:crypto on random lengths around block boundaries', () => {
    const rng = new Rng(7);
    for (const len of [1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 100_000]) {
      const bytes = new Uint8Array(len);
      for (let i = 0; i < len; i++) bytes[i] = rng.int(256);
      expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});
