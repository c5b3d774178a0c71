/**
 * End-to-end: a registered ONNX version (what `kiln models import` will create through
 * `kiln.registry.registerVersion({format: 'onnx'})`) is scored by reference, `kiln predict --model mlp@champion`,
 * exactly as the .onnx file itself is: the registry hands ONNX Runtime the stored artifact.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openKiln } from '../../src/kiln.js';
import { REPO, runKiln, tempDir } from './run-kiln.js';

const FIXTURES = join(REPO, 'test/fixtures/interop');

describe('kiln predict with a registered ONNX model', () => {
  it('scores NAME@ALIAS through ONNX Runtime like the file', async () => {
    const cwd = await tempDir('kiln-e2e-onnx-registry-');
    const home = join(cwd, 'home');
    const ref = JSON.parse(await readFile(join(FIXTURES, 'xgboost-torch-expected.json'), 'utf8')) as { expected: { mlp: { columns: string[] } } };
    const rows = JSON.parse(await readFile(join(FIXTURES, 'test-rows.json'), 'utf8')) as Record<string, (number | null)[]>;
    const cols = ref.expected.mlp.columns;
    const data = join(cwd, 'rows.csv');
    await writeFile(data, `${cols.join(',')}\n${rows[cols[0]].map((_, i) => cols.map((c) => rows[c][i]).join(',')).join('\n')}\n`);
    const kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
    try {
      const v = await kiln.registry.registerVersion({ name: 'mlp', bytes: await readFile(join(FIXTURES, 'mlp.onnx')), format: 'onnx', sourceLabel: 'mlp.onnx' });
      await kiln.registry.setAlias(`mlp@${v.version}`, 'champion');
    } finally {
      await kiln.close();
    }
    const byRef = await runKiln(['predict', '--model', 'mlp@champion', '--data', data, '--out', join(cwd, 'ref.csv'), '--columns', cols.join(',')], { home, cwd });
    expect(byRef.code, byRef.stderr).toBe(0);
    const byFile = await runKiln(['predict', '--model', join(FIXTURES, 'mlp.onnx'), '--data', data, '--out', join(cwd, 'file.csv'), '--columns', cols.join(',')], { home, cwd });
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(await readFile(join(cwd, 'ref.csv'), 'utf8')).toBe(await readFile(join(cwd, 'file.csv'), 'utf8'));
  });
});
