import { describe, expect, it } from 'vitest';
import { checkDatasetName, checkDatasetRef, parseDatasetRef } from './data-ref.js';

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
  it('checks references strictly, blaming the part that is wrong', () => {
    expect(checkDatasetRef('telco@latest', 'dataset')).toEqual({ name: 'telco', version: 'latest' });
    expect(() => checkDatasetRef('/etc/passwd', 'dataset')).toThrow(/^dataset must be a registered dataset version NAME@VERSION/);
    expect(() => checkDatasetRef(42, 'source')).toThrow(/^source must be a registered dataset version .*\(got number\)/);
    expect(() => checkDatasetRef('../x@1', 'dataset')).toThrow(/^invalid dataset name "..\/x" in dataset/);
    for (const v of ['0', '-1', '1.5', 'abc', '', '12345678901']) {
      let err: unknown;
      try {
        checkDatasetRef(`telco@${v}`, 'reference');
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ message: expect.stringMatching(/^invalid version/), details: { field: 'reference', part: 'version' } });
    }
    const huge = (() => {
      try {
        return checkDatasetRef(`${'x'.repeat(100_000)}`, 'dataset');
      } catch (e) {
        return e as Error;
      }
    })();
    expect((huge as Error).message.length).toBeLessThan(250);
  });
});
