/**
 * End-to-end through the real `kiln`: outputs never replace inputs (same path, `..`, symlink, hard
 * link), user mistakes are exit 2 with a clear message (missing / read-only / file-instead-of-folder
 * outputs, KILN_HOME a file, a port in use, malformed bundles, prototype-named params), output
 * columns never overwrite input columns, and failed writes leave nothing behind.
 */
import { execFile } from 'node:child_process';
import { chmod, link, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleChecksum } from '../../src/runtime/bundle.js';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';
import type { KilnRun } from './run-kiln.js';

const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');
const TRAIN_CSV = `x,color,y\n${rows(300, (i) => `${i % 17},${['red', 'green', 'blue'][i % 3]},${(i % 17) + (i % 3) > 9 ? 'a' : 'b'}`)}\n`;

function expectUsage(run: KilnRun, pattern: RegExp): void {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(2);
  expect(run.stderr).toMatch(pattern);
}

describe('kiln guards (outputs, exit codes, collisions)', () => {
  let home: string;
  let dir: string;
  let data: string;
  let model: string;
  beforeAll(async () => {
    home = await tempDir();
    dir = await tempDir('kiln-e2e-guards-');
    data = join(dir, 'f.csv');
    await writeFile(data, TRAIN_CSV);
    model = join(dir, 'model.kiln.json');
    const run = await runKiln(['train', '--data', data, '--target', 'y', '--out', model, '--params', '{"numTrees": 5}'], { home });
    expect(run.code, run.stderr).toBe(0);
  });

  it('refuses every output that would overwrite an input, and leaves the input intact', async () => {
    const sub = join(dir, 'sub');
    await mkdir(sub, { recursive: true });
    const sym = join(dir, 'sym.csv');
    const hard = join(dir, 'hard.csv');
    await symlink(data, sym);
    await link(data, hard);
    const cases: string[][] = [
      ['predict', '--model', model, '--data', data, '--out', data],
      ['predict', '--model', model, '--data', join(sub, '..', 'f.csv'), '--out', data],
      ['predict', '--model', model, '--data', data, '--out', sym],
      ['predict', '--model', model, '--data', sym, '--out', hard],
      ['train', '--data', data, '--target', 'y', '--out', data],
      ['data', 'profile', data, '--html', data],
      ['data', 'profile', data, '--out', sym],
      ['data', 'suggest', data, '--out', hard],
    ];
    for (const args of cases) expectUsage(await runKiln(args, { home }), /would overwrite the input/);
    expect(await readFile(data, 'utf8')).toBe(TRAIN_CSV);
    expectUsage(await runKiln(['data', 'profile', data, '--out', join(dir, 'p.json'), '--html', join(dir, 'p.json')], { home }), /both write/);
  });

  it('refuses a quarantine folder that holds the validated file', async () => {
    const q = join(dir, 'q');
    await mkdir(q);
    const clean = join(q, 'clean.csv');
    await writeFile(clean, TRAIN_CSV);
    const suite = join(dir, 'suite.json');
    await writeFile(suite, JSON.stringify({ suiteVersion: 1, name: 's', expectations: [{ type: 'column_values_between', column: 'x', min: 0, max: 5 }] }));
    expectUsage(await runKiln(['data', 'validate', clean, '--suite', suite, '--quarantine', q], { home }), /would overwrite the input/);
    expect(await readFile(clean, 'utf8')).toBe(TRAIN_CSV);
    expectUsage(await runKiln(['data', 'validate', data, '--suite', suite, '--quarantine', suite], { home }), /is a file, not a folder/);
  });

  it('is exit 2 for a missing output folder, a folder as --out, and KILN_HOME that is a file', async () => {
    expectUsage(await runKiln(['predict', '--model', model, '--data', data, '--out', join(dir, 'nope', 'p.csv')], { home }), /does not exist/);
    expectUsage(await runKiln(['predict', '--model', model, '--data', data, '--out', '.'], { home, cwd: dir }), /is a folder/);
    expectUsage(await runKiln(['train', '--data', data, '--target', 'y', '--out', dir], { home }), /is a folder/);
    const fileHome = join(dir, 'home-file');
    await writeFile(fileHome, 'x');
    expectUsage(await runKiln(['data', 'list'], { home: fileHome }), /KILN_HOME .* is a file/);
    expectUsage(await runKiln(['data', 'list'], { home: join(fileHome, 'below') }), /KILN_HOME .* cannot be created/);
  });

  it('is exit 2 for a read-only output folder', async () => {
    const ro = join(dir, 'ro');
    await mkdir(ro);
    await chmod(ro, 0o555);
    await chmod(dir, 0o755);
    // root ignores permission bits, so run the CLI as "nobody" when the tests run as root.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const run = await new Promise<KilnRun>((done) => {
      execFile(
        process.execPath,
        [join(REPO, 'bin/kiln.js'), 'data', 'profile', data, '--out', join(ro, 'p.json')],
        { cwd: dir, env: { ...process.env, KILN_HOME: join(dir, 'ro-home') }, ...asUser },
        (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
    expectUsage(run, /is not writable/);
  });

  it('is exit 2 when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const { port } = blocker.address() as AddressInfo;
    try {
      expectUsage(await runKiln(['server', '--port', String(port), '--host', '127.0.0.1'], { home }), new RegExp(`port ${port} is already in use`));
    } finally {
      blocker.close();
    }
  });

  it('refuses a bundle whose checksum is valid but whose structure is not, naming the field', async () => {
    const bundle = JSON.parse(await readFile(model, 'utf8')) as Record<string, unknown> & { signature: Record<string, unknown> };
    const broken = { ...bundle, signature: { ...bundle.signature, inputs: 'oops' } };
    const resealed = { ...broken, checksum: bundleChecksum(broken as never) };
    const bad = join(dir, 'oops.kiln.json');
    await writeFile(bad, JSON.stringify(resealed));
    expectUsage(await runKiln(['predict', '--model', bad, '--data', data, '--out', join(dir, 'oops.csv')], { home }), /"signature\.inputs" must be an array/);
  });

  it('refuses parameters named like Object.prototype members', async () => {
    for (const key of ['toString', 'valueOf', '__proto__', 'constructor']) {
      const run = await runKiln(['train', '--data', data, '--target', 'y', '--out', join(dir, 'p.json'), '--params', `{"${key}": 1}`], { home });
      expectUsage(run, new RegExp(`unknown gbdt parameter "${key}"`));
    }
    expectUsage(await runKiln(['train', '--data', data, '--target', 'y', '--algo', 'logistic', '--out', join(dir, 'p.json'), '--params', '{"toString": 1}'], { home }), /unknown logistic parameter "toString"|no parameter 'toString'/);
  });

  it('refuses an input column that an output column would replace', async () => {
    const withPred = join(dir, 'with-pred.csv');
    await writeFile(withPred, 'x,color,prediction\n1,red,keep me\n2,blue,me too\n');
    expectUsage(await runKiln(['predict', '--model', model, '--data', withPred, '--out', join(dir, 'wp.csv')], { home }), /column named "prediction"/);
    const only = await runKiln(['predict', '--model', model, '--data', withPred, '--out', join(dir, 'wp.csv'), '--only-predictions', '--json'], { home });
    expect(only.code, only.stderr).toBe(0);
    expect(json<{ columns: string[] }>(only).columns).toEqual(['prediction', 'probability']);

    const withErrors = join(dir, 'with-errors.csv');
    await writeFile(withErrors, 'x,_kiln_errors\n1,mine\n99,mine too\n');
    const suite = join(dir, 'x-suite.json');
    await writeFile(suite, JSON.stringify({ suiteVersion: 1, name: 's', expectations: [{ type: 'column_values_between', column: 'x', min: 0, max: 5 }] }));
    const q = join(dir, 'q-collide');
    expectUsage(await runKiln(['data', 'validate', withErrors, '--suite', suite, '--quarantine', q], { home }), /already has a column named "_kiln_errors"/);
    expect(await readdir(q).catch(() => [])).toEqual([]);
  });

  it('refuses a target with one class per row', async () => {
    const ids = join(dir, 'ids.csv');
    await writeFile(ids, `x,id\n${rows(50, (i) => `${i % 7},user-${i}`)}\n`);
    const run = await runKiln(['train', '--data', ids, '--target', 'id', '--out', join(dir, 'ids.json'), '--json'], { home });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'input', message: expect.stringMatching(/50 classes in 50 rows/) } });
  });

  it('--json prints exactly one JSON document, with warnings inside it', async () => {
    const unseen = join(dir, 'unseen.csv');
    await writeFile(unseen, 'x,color\n1,purple\n2,red\n');
    const run = await runKiln(['predict', '--model', model, '--data', unseen, '--out', join(dir, 'u.csv'), '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(json<{ unseenCategories: Record<string, number> }>(run).unseenCategories).toEqual({ color: 1 });
    expect(run.stderr).toBe('');
  });

  it('a failing write leaves neither output nor temp files (predict and quarantine)', async () => {
    // The bad value sits in the last rows, after earlier chunks were already scored and staged.
    const big = join(dir, 'late-bad.csv');
    await writeFile(big, `x,color\n${rows(120_000, (i) => `${i === 119_999 ? 'oops' : i % 17},red`)}\n`);
    const out = join(dir, 'late', 'p.csv');
    await mkdir(join(dir, 'late'));
    const p = await runKiln(['predict', '--model', model, '--data', big, '--out', out, '--types', 'x:numeric'], { home });
    expect(p.code, p.stderr).toBe(2);
    expect(await readdir(join(dir, 'late'))).toEqual([]);
    const suite = join(dir, 'late-suite.json');
    await writeFile(suite, JSON.stringify({ suiteVersion: 1, name: 's', expectations: [{ type: 'column_values_between', column: 'x', min: 0, max: 5 }] }));
    const q = join(dir, 'late-q');
    const v = await runKiln(['data', 'validate', big, '--suite', suite, '--quarantine', q, '--types', 'x:numeric'], { home });
    expect(v.code, v.stderr).toBe(2);
    expect(await readdir(q)).toEqual([]);
    // And a good run publishes both files and nothing else.
    const ok = await runKiln(['data', 'validate', data, '--suite', suite, '--quarantine', q], { home });
    expect(ok.code).toBe(1);
    expect((await readdir(q)).sort()).toEqual(['clean.csv', 'failing.csv']);
    expect((await stat(join(q, 'failing.csv'))).size).toBeGreaterThan(0);
  });
});
