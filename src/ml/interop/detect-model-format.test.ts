/** detectModelFormat on every committed fixture format and on files that are none of them. */
import { describe, expect, it } from 'vitest';
import { detectModelFormat } from './detect-model-format.js';
import { fixtureBytes, fixtureText } from './interop-fixtures.test-support.js';
import { InteropError } from './interop-error.js';
import { importXgboostJson } from './xgboost-import.js';

describe('detectModelFormat', () => {
  it('recognizes Kiln bundles, XGBoost JSON, LightGBM text and ONNX', () => {
    expect(detectModelFormat(JSON.stringify(importXgboostJson(fixtureText('xgb-binary.json'))))).toBe('kiln');
    expect(detectModelFormat(fixtureBytes('xgb-binary.json'), 'xgb-binary.json')).toBe('xgboost');
    expect(detectModelFormat(fixtureBytes('lgb-binary.txt'))).toBe('lightgbm');
    expect(detectModelFormat(fixtureBytes('mlp.onnx'), 'mlp.onnx')).toBe('onnx');
    expect(detectModelFormat(fixtureBytes('named-inputs.onnx'))).toBe('onnx');
  });

  it('refuses empty, truncated, foreign and binary files with a typed error', () => {
    const fails = (input: Uint8Array | string, name?: string): InteropError => {
      try {
        detectModelFormat(input, name);
      } catch (err) {
        expect(err).toBeInstanceOf(InteropError);
        return err as InteropError;
      }
      throw new Error('expected an InteropError');
    };
    expect(fails('').reason).toBe('unknown_format');
    expect(fails('{"a": 1}').reason).toBe('unknown_format');
    expect(fails(fixtureText('xgb-binary.json').slice(0, 500)).reason).toBe('unknown_format');
    expect(fails('col1,col2\n1,2\n').reason).toBe('unknown_format');
    expect(fails(fixtureBytes('mlp.onnx').slice(0, 40), 'm.onnx').reason).toBe('malformed_model');
    expect(fails(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]), 'picture.png').reason).toBe('unknown_format');
  });
});

describe('importModel', () => {
  it('detects and imports each format, and refuses a --format that contradicts the content', async () => {
    const { importModel } = await import('./import-model.js');
    const xgb = importModel(fixtureBytes('xgb-binary.json'), { fileName: 'xgb-binary.json' });
    expect(xgb.format).toBe('xgboost');
    const lgb = importModel(fixtureBytes('lgb-multiclass.txt'), { labels: ['a', 'b', 'c'] });
    expect(lgb.format === 'lightgbm' && lgb.bundle.labels).toEqual(['a', 'b', 'c']);
    const kiln = importModel(new TextEncoder().encode(JSON.stringify(xgb.format === 'xgboost' ? xgb.bundle : null)));
    expect(kiln.format).toBe('kiln');
    const onnx = importModel(fixtureBytes('mlp.onnx'), { columnMapping: ['a', 'b', 'c', 'd'] });
    expect(onnx.format === 'onnx' && onnx.signature.columns.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(() => importModel(fixtureBytes('mlp.onnx'), { format: 'xgboost' })).toThrow(/given as xgboost but it is a onnx model/);
    expect(() => importModel(fixtureBytes('mlp.onnx'), { format: 'pickle' as never })).toThrow(/unknown model format/);
    expect(() => importModel(fixtureBytes('xgb-poisson.json'))).toThrow(/count:poisson/);
  });
});
