import { describe, expect, it } from 'vitest';
import { checkDatasetName, parseDatasetRef } from './data-ref.js';

describe('dataset references', () => {
  it('parses NAME@VERSION and NAME@latest', () => {
    expect(parseDatasetRef('telco@3')).toEqual({ name: 'telco', version: 3 });
    expect(parseDatasetRef('telco.v2_x-y@latest')).toEqual({ name: 'telco.v2_x-y', version: 'latest' });
    for (const s of ['telco', 'telco@0', 'telco@-1', '../x@1', 'a/b@1', 'x@1.5', '@1']) expect(parseDatasetRef(s)).toBeNull();
  });
  it('rejects hostile names', () => {
    for (const s of ['../../x', "x'; DROP TABLE datasets; --", 'a/b', '', '.hidden', 'a..b', 'x'.repeat(129)]) expect(() => checkDatasetName(s)).toThrow(/invalid dataset name/);
    expect(checkDatasetName('ok-name_1.2')).toBe('ok-name_1.2');
  });
});
