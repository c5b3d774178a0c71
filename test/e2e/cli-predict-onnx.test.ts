/**
 * End-to-end: `kiln predict --model FILE.onnx` scores a CSV with an imported ONNX model (the PyTorch
 * MLP of test/fixtures/interop, columns named with --columns) and writes its outputs next to the
 * inputs, equal to PyTorch's; bad models and mappings exit 2 with the reason, writing nothing.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';

const FIXTURES = join(REPO, 'test/fixtures/interop');

describe('kiln predict with an ONNX model', () => {
  it('scores a CSV like PyTorch and refuses bad models with exit 2', async () => {
    const cwd = await tempDir('kiln-e2e-onnx-');
    const home = join(cwd, 'home');
    const ref = JSON.parse(await readFile(join(FIXTURES, 'xgboost-torch-expected.json'), 'utf8')) as { expected: { mlp: { columns: string[]; score: number[] } } };
    const rows = JSON.parse(await readFile(join(FIXTURES, 'test-rows.json'), 'utf8')) as Record<string, (number | null)[]>;
    const cols = ref.expected.mlp.columns;
    const data = join(cwd, 'rows.csv');
    await writeFile(data, `id,${cols.join(',')}\n${rows[cols[0]].map((_, i) => `${i},${cols.map((c) => rows[c][i]).join(',')}`).join('\n')}\n`);
    const out = join(cwd, 'scored.csv');
    const model = join(FIXTURES, 'mlp.onnx');
    const run = await runKiln(['predict', '--model', model, '--data', data, '--out', out, '--columns', cols.join(','), '--json'], { home, cwd });
    expect(run.code, run.stderr).toBe(0);
    const summary = json<{ rows: number; columns: string[]; model: { outputs: string[] } }>(run);
    expect(summary.rows).toBe(200);
    expect(summary.columns).toEqual(['id', ...cols, 'score_0', 'score_1']);
    const lines = (await readFile(out, 'utf8')).trim().split('\n').slice(1);
    let maxDiff = 0;
    lines.forEach((line, i) => {
      const v = line.split(',').map(Number);
      maxDiff = Math.max(maxDiff, Math.abs(v[5] - ref.expected.mlp.score[2 * i]), Math.abs(v[6] - ref.expected.mlp.score[2 * i + 1]));
    });
    expect(maxDiff).toBeLessThan(1e-5);

    const bad = async (args: string[], pattern: RegExp): Promise<void> => {
      const target = join(cwd, 'never.csv');
      const r = await runKiln(['predict', '--data', data, '--out', target, '--json', ...args], { home, cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout + r.stderr).toMatch(pattern);
      await expect(stat(target)).rejects.toThrow();
    };
    await bad(['--model', model], /dynamic|columns|x_0|missing required column/i);
    await bad(['--model', model, '--columns', 'longitude,latitude'], /column mapping/);
    const truncated = join(cwd, 'cut.onnx');
    await writeFile(truncated, (await readFile(model)).subarray(0, 300));
    await bad(['--model', truncated], /not a valid ONNX model/);
    await bad(['--model', join(FIXTURES, 'unsupported-op.onnx')], /FancyActivation/);
    await bad(['--model', join(FIXTURES, 'rank3-input.onnx')], /rank 3/);

    // A model stored without the .onnx extension (as registry artifacts are) is recognized by its content.
    const bare = join(cwd, 'model-artifact');
    await writeFile(bare, await readFile(model));
    const again = await runKiln(['predict', '--model', bare, '--data', data, '--out', join(cwd, 'again.parquet'), '--columns', cols.join(','), '--only-predictions', '--json'], { home, cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(json<{ columns: string[] }>(again).columns).toEqual(['score_0', 'score_1']);
  });
});
