/** Model references: kinds, bundle files (key = checksum prefix, bad files refused), the composite's refusals. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, NotFoundError, UsageError } from '../core/errors.js';
import { parseBundle } from '../runtime/bundle.js';
import { CompositeModelSource } from './composite-model-source.js';
import { FileModelSource } from './file-model-source.js';
import { referenceKind } from './model-source.js';
import { testBundles } from './serving-test-models.js';

describe('model sources', () => {
  it('tells reference kinds apart', () => {
    expect(referenceKind('trained:abc')).toBe('trained');
    expect(referenceKind('./m.json')).toBe('file');
    expect(referenceKind('file:m')).toBe('file');
    expect(referenceKind('m.json')).toBe('file');
    expect(referenceKind('churn@3')).toBe('registry');
    expect(referenceKind('churn@production')).toBe('registry');
  });

  it('a bundle file resolves to its checksum prefix and loads its text; missing or corrupt files are refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiln-ms-'));
    const text = (await testBundles()).binary;
    await writeFile(join(dir, 'm.json'), text);
    await writeFile(join(dir, 'bad.json'), text.replace(/"checksum":"[0-9a-f]+"/, '"checksum":"00"'));
    const src = new FileModelSource();
    const r = await src.resolve(join(dir, 'm.json'));
    expect(r.key).toBe(`sha256:${parseBundle(text).checksum.slice(0, 16)}`);
    expect(r.moving).toBe(false);
    expect(await r.load()).toBe(text);
    expect((await src.resolve(`file:${join(dir, 'm.json')}`)).key).toBe(r.key);
    await expect(src.resolve(join(dir, 'nope.json'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(src.resolve(join(dir, 'bad.json'))).rejects.toBeInstanceOf(InputError);
  });

  it('the composite refuses kinds it has no source for, and withoutFiles drops files', async () => {
    const composite = new CompositeModelSource({ file: new FileModelSource() });
    await expect(composite.resolve('churn@3', 'default')).rejects.toMatchObject({ message: expect.stringMatching(/not available here/), hint: expect.stringMatching(/need the model registry/) });
    await expect(composite.resolve('churn@3', 'default')).rejects.toBeInstanceOf(UsageError);
    await expect(composite.withoutFiles().resolve('/etc/passwd', 'default')).rejects.toMatchObject({ hint: expect.stringMatching(/only served from the command line/) });
  });
});
