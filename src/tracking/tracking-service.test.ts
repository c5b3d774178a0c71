/** TrackingService over a real SQLite store and filesystem artifact store (via openKiln). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UsageError } from '../core/errors.js';
import { collectArtifactReferences } from '../data/artifacts/artifact-references.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';

describe('TrackingService', () => {
  let home: string;
  let kiln: Kiln;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'kiln-tracking-'));
    kiln = await openKiln({ home, databaseUrl: undefined, artifactsUrl: undefined });
  });
  afterEach(async () => {
    await kiln.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('withRun logs and finishes; a throwing fn ends the run failed', async () => {
    const id = await kiln.tracking.withRun({ experiment: 'exp', seed: 42, params: { lr: 0.1, deep: true } }, async (run) => {
      await run.logMetrics([{ key: 'valid.auc', value: 0.7, step: 0 }, { key: 'valid.auc', value: 0.8, step: 1 }]);
      await run.setTags({ team: 'risk' });
      const a = await run.logArtifact('notes.txt', Buffer.from('hello'));
      expect(a.size).toBe(5);
      return run.id;
    });
    const view = await kiln.tracking.getRun(id);
    expect(view).toMatchObject({ status: 'finished', experiment: 'exp', params: { lr: '0.1', deep: 'true' }, metrics: { 'valid.auc': 0.8 }, tags: { team: 'risk' } });
    expect(view.series['valid.auc'].map((p) => p.value)).toEqual([0.7, 0.8]);
    expect(view.system).toMatchObject({ seed: 42, kilnVersion: expect.any(String), host: expect.any(String) });
    expect(view.system.durationMs).toBeGreaterThanOrEqual(0);
    expect(view.system.peakMemoryBytes).toBeGreaterThan(1e6);
    // The artifact is in gc's live set.
    const live = await collectArtifactReferences(kiln.artifactReferences);
    expect(live.has(view.artifacts[0].hash)).toBe(true);

    let failedId = '';
    await expect(
      kiln.tracking.withRun({ experiment: 'exp' }, async (run) => {
        failedId = run.id;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await kiln.tracking.getRun(failedId)).status).toBe('failed');
    await expect(kiln.tracking.logMetrics(id, [{ key: 'x', value: 1 }])).rejects.toBeInstanceOf(ConflictError);
  });

  it('searches with the query language, compares, deletes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await kiln.tracking.startRun({ experiment: i === 2 ? 'b' : 'a', params: { algo: i === 1 ? 'linear' : 'gbdt' } });
      await kiln.tracking.logMetrics(run.id, [{ key: 'valid.auc', value: 0.6 + i / 10 }]);
      await kiln.tracking.endRun(run.id);
      ids.push(run.id);
    }
    const page = await kiln.tracking.searchRuns({ filter: 'metrics.valid.auc > 0.65 and params.algo = "gbdt"' });
    expect(page.items.map((r) => r.id)).toEqual([ids[2]]);
    const inA = await kiln.tracking.searchRuns({ experiments: ['a'], orderBy: 'metrics.valid.auc desc' });
    expect(inA.items.map((r) => r.id)).toEqual([ids[1], ids[0]]);
    await expect(kiln.tracking.searchRuns({ filter: 'metrics.auc >' })).rejects.toBeInstanceOf(UsageError);
    await expect(kiln.tracking.searchRuns({ experiments: ['nope'] })).rejects.toBeInstanceOf(NotFoundError);
    const cmp = await kiln.tracking.compareRuns([ids[0], ids[2]]);
    expect(cmp.params).toEqual([{ key: 'algo', values: ['gbdt', 'gbdt'], differs: false }]);
    expect(cmp.metrics[0].differs).toBe(true);
    await expect(kiln.tracking.compareRuns([ids[0], 'missing'])).rejects.toBeInstanceOf(NotFoundError);
    await kiln.tracking.deleteRun(ids[0]);
    await expect(kiln.tracking.deleteRun(ids[0])).rejects.toBeInstanceOf(NotFoundError);
    await expect(kiln.tracking.getRun(ids[0])).rejects.toBeInstanceOf(NotFoundError);
  });
});
