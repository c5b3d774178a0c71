import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import type { UnsealedBundle } from './bundle.js';
import { bundleChecksum, parseBundle, sealBundle, stringifyBundle } from './bundle.js';
import { canonicalJson } from './canonical-json.js';
import { decodeArray, encodeArray } from './encoded-array.js';

const unsealed: UnsealedBundle = {
  format: 'kiln.model',
  formatVersion: 1,
  signature: { inputs: [{ name: 'x', type: 'numeric', nullable: false }], target: 'y', task: 'regression', outputs: ['prediction'] },
  preprocessing: [],
  model: { kind: 'linear', coefficients: encodeArray(new Float64Array([1.5, -2])) },
  metadata: { algo: 'linear', params: {}, metrics: { rmse: 1 }, seed: 1, kilnVersion: 't', createdAt: '2026-01-01T00:00:00.000Z' },
  baseline: { rows: 1, features: [] },
};

describe('model bundle', () => {
  it('round-trips and verifies its checksum over canonical JSON', () => {
    const sealed = sealBundle(unsealed);
    expect(sealed.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(parseBundle(stringifyBundle(sealed)).checksum).toBe(sealed.checksum);
    // Key order does not matter: the checksum is over canonical JSON.
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverseKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) : v;
    const reordered = reverseKeys(JSON.parse(stringifyBundle(sealed))) as typeof sealed;
    expect(Object.keys(reordered)[0]).toBe('checksum');
    expect(bundleChecksum(reordered)).toBe(sealed.checksum);
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
  });

  it('rejects tampering, unknown versions and non-bundles with InputError', () => {
    const sealed = sealBundle(unsealed);
    const tampered = { ...sealed, metadata: { ...sealed.metadata, seed: 2 } };
    expect(() => parseBundle(tampered)).toThrow(/checksum/);
    expect(() => parseBundle({ ...sealed, formatVersion: 2 })).toThrow(/format version 2/);
    expect(() => parseBundle('{not json')).toThrow(InputError);
    expect(() => parseBundle('[]')).toThrow(/not a model bundle/);
    expect(() => parseBundle({ format: 'kiln.model', formatVersion: 1 })).toThrow(/missing "signature"/);
  });

  it('encodes typed arrays exactly', () => {
    const values = new Float64Array([0, -0.1, 1e308, Number.MIN_VALUE, NaN]);
    const back = decodeArray(JSON.parse(JSON.stringify(encodeArray(values))) as ReturnType<typeof encodeArray>) as Float64Array;
    expect(Array.from(back)).toEqual(Array.from(values));
    const ints = new Int32Array([1, -2, 2147483647]);
    expect(Array.from(decodeArray(encodeArray(ints)))).toEqual([1, -2, 2147483647]);
    expect(() => decodeArray({ dtype: 'f64', length: 3, base64: 'AAAA' })).toThrow(/length/);
    expect(() => decodeArray({ dtype: 'f64', length: 1, base64: '!!!!' })).toThrow(/base64/);
  });
});
