/**
 * `kiln gc` keeps every project's artifacts: a dataset (data and profile), a partitioned version's parts,
 * a trained model's bundle and a run's artifact that live only in a non-default project survive a gc
 * with no grace period, and an artifact nothing references is still collected.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/data/artifacts/collect-garbage.js';
import { appendUpload } from '../../src/data/ingest/append-upload.js';
import type { Kiln } from '../../src/kiln.js';
import { openKiln } from '../../src/kiln.js';
import { localPrincipal } from '../../src/security/security-service.js';

let kiln: Kiln;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-gc-projects-'));
  kiln = await openKiln({ home: join(dir, 'home'), databaseUrl: undefined });
  await kiln.security.createProject('team-a', null, localPrincipal());
});
afterAll(async () => {
  await kiln?.close();
});

describe('gc across projects', () => {
  it('keeps what only another project references, and collects the rest', async () => {
    const csv = join(dir, 'd.csv');
    await writeFile(csv, `x,y\n${Array.from({ length: 30 }, (_, i) => `${i}.5,${i % 2 ? 'yes' : 'no'}`).join('\n')}\n`);
    const datasets = kiln.datasets.inProject('team-a');
    await datasets.register(csv, 'churn');
    // A partitioned version: its parts are referenced only from its manifest.
    const more = join(dir, 'more.csv');
    await writeFile(more, 'x,y\n100.5,yes\n');
    const appended = await appendUpload(kiln.metadata.inProject('team-a'), kiln.artifacts, { name: 'churn', path: more, format: 'csv', source: 'test', tmpDir: join(dir, 'home', 'tmp') });
    expect(appended.version?.version).toBe(2);
    const trained = await kiln.training.inProject('team-a').train({ data: { dataset: 'churn@1' }, target: 'y', algo: 'logistic' });
    const tracking = kiln.tracking.inProject('team-a');
    const run = await tracking.startRun({ experiment: 'e' });
    const logged = await tracking.logArtifact(run.id, 'notes.txt', Buffer.from('only team-a references this'));
    const orphan = await kiln.artifacts.put(Buffer.from('nobody references this'));

    const report = await collectGarbage(kiln.artifacts, kiln.artifactReferences, { apply: true, graceMs: 0 });
    expect(report.garbage.map((g) => g.hash)).toEqual([orphan.hash]);
    expect(await kiln.artifacts.has(logged.hash)).toBe(true);
    expect(await kiln.artifacts.has(trained.model.artifactHash)).toBe(true);
    // Both versions still read back whole: data, profile and parts survived.
    const v2 = await datasets.show('churn@2');
    expect(v2.rows).toBe(31);
    const resolved = await datasets.resolveReference('churn@2');
    expect(resolved.dataset.version).toBe(2);
    expect((await datasets.show('churn@1')).rows).toBe(30);
  }, 120_000);
});
