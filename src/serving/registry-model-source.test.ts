/** Registry references: versions do not move, aliases do; non-Kiln formats are refused; bundles load as text. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { RegistryModelSource } from './registry-model-source.js';
import type { RegistryLookup } from './registry-model-source.js';

const registry: RegistryLookup = {
  async resolve(ref) {
    if (ref === 'onnx@1') return { ref: 'onnx@1', format: 'onnx' };
    return { ref: ref.endsWith('@production') ? 'churn@4' : ref, format: 'kiln' };
  },
  async loadBundle(ref) {
    return ref === 'churn@4' ? { format: 'kiln.model', ref } : '{"text":true}';
  },
};

describe('RegistryModelSource', () => {
  it('resolves versions (fixed) and aliases (moving) to NAME@VERSION keys', async () => {
    const src = new RegistryModelSource(registry);
    const alias = await src.resolve('churn@production', 'default');
    expect(alias).toMatchObject({ key: 'churn@4', moving: true });
    expect(JSON.parse(await alias.load())).toEqual({ format: 'kiln.model', ref: 'churn@4' });
    const fixed = await src.resolve('churn@3', 'default');
    expect(fixed).toMatchObject({ key: 'churn@3', moving: false });
    expect(await fixed.load()).toBe('{"text":true}');
    await expect(src.resolve('onnx@1', 'default')).rejects.toBeInstanceOf(UsageError);
  });
});
