/**
 * End-to-end CLI: `--project NAME` (after the command, or before it), `KILN_PROJECT`, default `default`.
 * An unknown project is exit 2 naming it and how to create it; the same dataset name in two projects is
 * two datasets; training and runs stay in their project; `tokens create --project` keeps its meaning.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

describe('kiln --project', () => {
  it('scopes data, training and runs to the chosen project', async () => {
    const home = await tempDir('kiln-cli-projects-');
    const small = join(home, 'small.csv');
    const other = join(home, 'other.csv');
    await writeFile(small, `x,y\n${Array.from({ length: 40 }, (_, i) => `${i},${i % 2}`).join('\n')}\n`);
    await writeFile(other, 'a,b,c\n1,2,3\n');

    const unknown = await runKiln(['data', 'register', small, '--name', 'churn', '--project', 'team-a', '--json'], { home });
    expect(unknown.code).toBe(2);
    const err = JSON.parse(unknown.stdout || unknown.stderr) as { error: { message: string; hint?: string; details: { project: string } } };
    expect(err.error.message).toBe('project team-a does not exist');
    expect(err.error.details.project).toBe('team-a');
    expect(JSON.stringify(err)).toContain('kiln projects create team-a');
    // Hostile names are refused before any work, even by commands that would not open the store.
    for (const bad of ['Bad Name!', '../etc', '', 'x'.repeat(64)]) {
      const res = await runKiln(['data', 'profile', small, '--project', bad, '--json'], { home });
      expect(res.code, bad).toBe(2);
      expect(res.stdout, bad).toBe('');
    }
    const badEnv = await runKiln(['data', 'list', '--json'], { home, env: { KILN_PROJECT: 'UPPER' } });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('KILN_PROJECT');

    expect((await runKiln(['projects', 'create', 'team-a'], { home })).code).toBe(0);
    const inA = json<{ name: string; version: number }>(await runKiln(['data', 'register', small, '--name', 'churn', '--project', 'team-a', '--json'], { home }));
    expect(inA.version).toBe(1);
    // The same name in `default` is another dataset: its own version 1.
    const inDefault = json<{ version: number; columns: number }>(await runKiln(['data', 'register', other, '--name', 'churn', '--json'], { home }));
    expect([inDefault.version, inDefault.columns]).toEqual([1, 3]);
    // The global form and the environment variable pick the project too.
    const shown = json<{ columns: number; rows: number }>(await runKiln(['--project', 'team-a', 'data', 'show', 'churn', '--json'], { home }));
    expect([shown.columns, shown.rows]).toEqual([2, 40]);
    const viaEnv = json<{ datasets: { name: string; latestVersion: number }[] }>(await runKiln(['data', 'list', '--json'], { home, env: { KILN_PROJECT: 'team-a' } }));
    expect(viaEnv.datasets.map((d) => d.name)).toEqual(['churn']);
    // The flag wins over the environment.
    const flagWins = json<{ columns: number }>(await runKiln(['data', 'show', 'churn', '--project', 'default', '--json'], { home, env: { KILN_PROJECT: 'team-a' } }));
    expect(flagWins.columns).toBe(3);

    const trained = await runKiln(['train', '--data', 'churn@1', '--target', 'y', '--algo', 'logistic', '--out', join(home, 'm.kiln.json'), '--project', 'team-a', '--json'], { home });
    expect(trained.code, trained.stderr).toBe(0);
    const runsA = json<{ runs: { id: string }[] }>(await runKiln(['runs', 'list', '--project', 'team-a', '--json'], { home }));
    expect(runsA.runs).toHaveLength(1);
    expect(json<{ runs: unknown[] }>(await runKiln(['runs', 'list', '--json'], { home })).runs).toEqual([]);
    const showElsewhere = await runKiln(['runs', 'show', runsA.runs[0].id, '--json'], { home });
    expect(showElsewhere.code).toBe(2);
    expect(json<{ experiments: { name: string; project: string }[] }>(await runKiln(['experiments', 'list', '--project', 'team-a', '--json'], { home })).experiments).toEqual([
      expect.objectContaining({ name: 'default', project: 'team-a' }),
    ]);

    // `tokens create --project` still names the grant's project, not the command's scope.
    const token = json<{ record: { grants: { project: string; role: string }[] } }>(await runKiln(['tokens', 'create', '--name', 'a-viewer', '--role', 'viewer', '--project', 'team-a', '--json'], { home }));
    expect(token.record.grants).toEqual([{ project: 'team-a', role: 'viewer' }]);
    // The audit log records each registration's project.
    const audit = json<{ entries: { action: string; project: string; resourceId: string }[] }>(await runKiln(['audit', 'list', '--json'], { home }));
    expect(audit.entries.filter((e) => e.action === 'dataset.register').map((e) => `${e.project}/${e.resourceId}`).sort()).toEqual(['default/churn@1', 'team-a/churn@1']);
  }, 120_000);
});
