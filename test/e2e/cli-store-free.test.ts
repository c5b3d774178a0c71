/**
 * End-to-end: commands that only read and write files (`data profile|suggest|validate FILE` and
 * `predict` with files; `train` records its model, so it needs the store) never open the metadata store: KILN_HOME is not created, `./.kiln` does
 * not appear, and an unreachable KILN_DATABASE_URL does not break them (while `data list`, which
 * needs the store, does fail on it).
 */
import { execFile } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, json, runKiln, tempDir } from './run-kiln.js';
import type { KilnRun } from './run-kiln.js';

const UNREACHABLE = 'postgres://kiln@127.0.0.1:1/nope';

describe('kiln without a store', () => {
  it('profiles, suggests, validates and predicts files without touching KILN_HOME or the database', async () => {
    const cwd = await tempDir('kiln-e2e-nostore-');
    const home = join(cwd, 'home-never-created');
    const env = { KILN_DATABASE_URL: UNREACHABLE };
    const data = join(cwd, 'f.csv');
    await writeFile(data, `x,c,y\n${Array.from({ length: 200 }, (_, i) => `${i % 11},${['p', 'q'][i % 2]},${i % 3 === 0 ? 'a' : 'b'}`).join('\n')}\n`);
    const run = (args: string[]): Promise<KilnRun> => runKiln(args, { home, cwd, env });
    const profile = await run(['data', 'profile', data, '--json', '--html', join(cwd, 'p.html')]);
    expect(profile.code, profile.stderr).toBe(0);
    expect(json<{ rows: number }>(profile).rows).toBe(200);
    const suite = join(cwd, 'suite.json');
    expect((await run(['data', 'suggest', data, '--out', suite])).code).toBe(0);
    const validate = await run(['data', 'validate', data, '--suite', suite, '--quarantine', join(cwd, 'q'), '--json']);
    expect(validate.code, validate.stderr).toBe(0);
    const model = join(cwd, 'm.kiln.json');
    // Training records the model in the store (TrainingService), so it runs against its own, reachable home.
    const train = await runKiln(['train', '--data', data, '--target', 'y', '--out', model, '--params', '{"numTrees": 3}'], { home: join(cwd, 'train-home'), cwd });
    expect(train.code, train.stderr).toBe(0);
    const predict = await run(['predict', '--model', model, '--data', data, '--out', join(cwd, 'p.csv')]);
    expect(predict.code, predict.stderr).toBe(0);
    await expect(stat(home)).rejects.toThrow();

    // Without KILN_HOME at all, nothing appears in the working folder either.
    const bare = await new Promise<KilnRun>((done) => {
      const { KILN_HOME: _home, ...rest } = process.env;
      execFile(process.execPath, [join(REPO, 'bin/kiln.js'), 'data', 'profile', data], { cwd, env: { ...rest, ...env } }, (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
    expect(bare.code, bare.stderr).toBe(0);
    expect((await readdir(cwd)).filter((n) => n.startsWith('.'))).toEqual([]);

    // The control: a command that needs the store does use the unreachable URL and fails.
    const list = await run(['data', 'list']);
    expect(list.code).not.toBe(0);
  });
});
