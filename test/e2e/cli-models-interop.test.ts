/**
 * End-to-end: `kiln models import` registers XGBoost and LightGBM files as Kiln bundles and ONNX files as
 * ONNX, scored by reference like the libraries that trained them (fixtures: test/fixtures/interop);
 * `kiln models export` writes a registered Kiln model as ONNX that scores like Kiln; bad files, a
 * contradictory --format and unknown references exit 2 with nothing registered or written.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Frame } from '../../src/core/frame.js';
import { frameFromRecords } from '../../src/core/frame-builder.js';
import { trainModel } from '../../src/ml/train/train-model.js';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';

const FIXTURES = join(REPO, 'test/fixtures/interop');

interface Expected { prediction: number[] }

async function csvOfRows(path: string): Promise<void> {
  const rows = JSON.parse(await readFile(join(FIXTURES, 'test-rows.json'), 'utf8')) as Record<string, (number | string | null)[]>;
  const cols = Object.keys(rows);
  const n = rows[cols[0]].length;
  const lines = Array.from({ length: n }, (_, i) => cols.map((c) => (rows[c][i] === null ? '' : String(rows[c][i]))).join(','));
  await writeFile(path, `${cols.join(',')}\n${lines.join('\n')}\n`);
}

async function column(path: string, name: string): Promise<number[]> {
  const [head, ...lines] = (await readFile(path, 'utf8')).trim().split('\n');
  const i = head.split(',').indexOf(name);
  expect(i, `${name} in ${head}`).toBeGreaterThanOrEqual(0);
  return lines.map((l) => Number(l.split(',')[i]));
}

const maxAbs = (a: readonly number[], b: readonly number[]): number => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};

describe('kiln models import | export', () => {
  it('imports XGBoost, LightGBM and ONNX, scores them by reference, exports to ONNX, refuses bad input', async () => {
    const cwd = await tempDir('kiln-e2e-models-io-');
    const home = join(cwd, 'home');
    const kiln = (args: string[]) => runKiln(args, { home, cwd });
    const xgbRef = JSON.parse(await readFile(join(FIXTURES, 'xgboost-torch-expected.json'), 'utf8')) as { features: string[]; expected: Record<string, Expected> & { mlp: { columns: string[]; score: number[] } } };
    const lgbRef = JSON.parse(await readFile(join(FIXTURES, 'lightgbm-onnx-expected.json'), 'utf8')) as Record<string, Expected>;
    const data = join(cwd, 'rows.csv');
    await csvOfRows(data);

    // XGBoost binary:logistic -> a Kiln bundle.
    const xgb = await kiln(['models', 'import', join(FIXTURES, 'xgb-binary.json'), '--name', 'xgb', '--description', 'from xgboost', '--json']);
    expect(xgb.code, xgb.stderr).toBe(0);
    const xv = json<{ name: string; version: number; format: string; importedFrom: string }>(xgb);
    expect([xv.name, xv.version, xv.format, xv.importedFrom]).toEqual(['xgb', 1, 'kiln-bundle', 'xgboost']);
    const xOut = join(cwd, 'xgb.csv');
    const px = await kiln(['predict', '--model', 'xgb@latest', '--data', data, '--out', xOut, '--only-predictions']);
    expect(px.code, px.stderr).toBe(0);
    expect(maxAbs(await column(xOut, 'probability'), xgbRef.expected['xgb-binary'].prediction)).toBeLessThan(1e-6);

    // LightGBM regression (zero_as_missing) -> a Kiln bundle, format given explicitly.
    const lgb = await kiln(['models', 'import', join(FIXTURES, 'lgb-regression.txt'), '--name', 'lgb', '--format', 'lightgbm', '--json']);
    expect(lgb.code, lgb.stderr).toBe(0);
    expect(json<{ format: string; importedFrom: string }>(lgb)).toMatchObject({ format: 'kiln-bundle', importedFrom: 'lightgbm' });
    const lOut = join(cwd, 'lgb.csv');
    const pl = await kiln(['predict', '--model', 'lgb@latest', '--data', data, '--out', lOut, '--only-predictions']);
    expect(pl.code, pl.stderr).toBe(0);
    expect(maxAbs(await column(lOut, 'prediction'), lgbRef['lgb-regression'].prediction)).toBeLessThan(1e-6);

    // ONNX is stored as ONNX and scored through ONNX Runtime.
    const cols = xgbRef.expected.mlp.columns;
    const onnx = await kiln(['models', 'import', join(FIXTURES, 'mlp.onnx'), '--name', 'mlp', '--json']);
    expect(onnx.code, onnx.stderr).toBe(0);
    expect(json<{ format: string; version: number }>(onnx)).toMatchObject({ format: 'onnx', version: 1 });
    const mOut = join(cwd, 'mlp.csv');
    const pm = await kiln(['predict', '--model', 'mlp@latest', '--data', data, '--out', mOut, '--columns', cols.join(','), '--only-predictions']);
    expect(pm.code, pm.stderr).toBe(0);
    const s0 = await column(mOut, 'score_0');
    const s1 = await column(mOut, 'score_1');
    expect(maxAbs(s0.flatMap((v, i) => [v, s1[i]]), xgbRef.expected.mlp.score)).toBeLessThan(1e-5);

    // Export the registered XGBoost model to ONNX and score the file like the bundle.
    const onnxFile = join(cwd, 'xgb.onnx');
    const ex = await kiln(['models', 'export', 'xgb@1', '--format', 'onnx', '--out', onnxFile, '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    expect(json<{ ref: string; out: string }>(ex)).toMatchObject({ ref: 'xgb@1', out: onnxFile });
    const eOut = join(cwd, 'xgb-onnx.csv');
    const pe = await kiln(['predict', '--model', onnxFile, '--data', data, '--out', eOut, '--only-predictions']);
    expect(pe.code, pe.stderr).toBe(0);
    const [head] = (await readFile(eOut, 'utf8')).split('\n');
    const probCol = head.split(',').find((c) => /probabilit/.test(c) && /1/.test(c)) ?? head.split(',').find((c) => /probabilit/.test(c)) as string;
    expect(maxAbs(await column(eOut, probCol), await column(xOut, 'probability'))).toBeLessThan(1e-5);

    // Bad input: exit 2, nothing registered, nothing written.
    const versionsOf = async (name: string): Promise<number> => json<{ versions: unknown[] }>(await kiln(['models', 'versions', name, '--json'])).versions.length;
    const truncated = join(cwd, 'cut.json');
    await writeFile(truncated, (await readFile(join(FIXTURES, 'xgb-binary.json'))).subarray(0, 400));
    for (const args of [
      [truncated, '--name', 'xgb'],
      [join(FIXTURES, 'xgb-regression.json'), '--name', 'xgb', '--format', 'lightgbm'],
      [join(FIXTURES, 'xgb-regression.json'), '--name', 'xgb', '--format', 'pickle'],
      [join(FIXTURES, 'xgb-poisson.json'), '--name', 'xgb'],
      [join(FIXTURES, 'unsupported-op.onnx'), '--name', 'xgb'],
      [join(cwd, 'missing.json'), '--name', 'xgb'],
      [join(FIXTURES, 'xgb-regression.json'), '--name', '../etc'],
    ]) {
      const r = await kiln(['models', 'import', ...args, '--json']);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
    }
    expect(await versionsOf('xgb')).toBe(1);
    const never = join(cwd, 'never.onnx');
    for (const ref of ['nosuch@1', 'xgb@9', 'mlp@1']) {
      const r = await kiln(['models', 'export', ref, '--format', 'onnx', '--out', never]);
      expect(r.code, `${ref}: ${r.stderr}`).toBe(2);
    }
    // A bundle file with a step ONNX cannot express: exit 2 naming it, no file.
    const base = frameFromRecords(Array.from({ length: 120 }, (_, i) => ({ a: (i * 37) % 100, y: (i * 37) % 100 > 50 ? 'yes' : 'no' })));
    const signup = { name: 'signup', type: 'timestamp' as const, values: Float64Array.from({ length: base.rowCount }, (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000) };
    const dated = (await trainModel(new Frame([...base.columns, signup], base.rowCount), { target: 'y', kilnVersion: 'test', seed: 5, params: { numTrees: 3 }, validFraction: 0 })).bundle;
    const datedFile = join(cwd, 'dated.kiln.json');
    await writeFile(datedFile, JSON.stringify(dated));
    const stepRefused = await kiln(['models', 'export', datedFile, '--format', 'onnx', '--out', never]);
    expect(stepRefused.code, stepRefused.stderr).toBe(2);
    expect(stepRefused.stderr).toMatch(/date_parts/);
    const badFormat = await kiln(['models', 'export', 'xgb@1', '--format', 'pmml', '--out', never]);
    expect(badFormat.code).toBe(2);
    await expect(stat(never)).rejects.toThrow();
  }, 180_000);
});
