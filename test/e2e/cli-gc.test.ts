/**
 * End-to-end: `kiln gc` through the real CLI. A registered dataset's artifact survives; an orphaned blob
 * older than the grace period is listed by the dry run and deleted only with --apply.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

interface GcReport {
  applied: boolean;
  scanned: number;
  referenced: number;
  young: number;
  garbage: { hash: string; size: number }[];
  deleted: number;
  bytes: number;
}

describe('kiln gc', () => {
  it('keeps referenced and young blobs, deletes old orphans only with --apply', async () => {
    const home = await tempDir();
    const data = join(home, 'd.csv');
    writeFileSync(data, 'a,b\n1,x\n2,y\n3,z\n');
    const reg = await runKiln(['data', 'register', data, '--name', 'tiny', '--json'], { home });
    expect(reg.code, reg.stderr).toBe(0);
    const datasetHash = json<{ hash: string }>(reg).hash;

    // An orphan as a crashed registration would leave it: stored, never referenced, two hours old.
    const orphan = Buffer.from('orphaned parquet bytes');
    const orphanHash = createHash('sha256').update(orphan).digest('hex');
    const orphanPath = join(home, 'artifacts', orphanHash.slice(0, 2), orphanHash.slice(2));
    mkdirSync(join(home, 'artifacts', orphanHash.slice(0, 2)), { recursive: true });
    writeFileSync(orphanPath, orphan);
    const young = await runKiln(['gc', '--json'], { home });
    expect(young.code, young.stderr).toBe(0);
    // The version's data and its profile document are referenced; the orphan is too young to collect.
    expect(json<GcReport>(young)).toMatchObject({ applied: false, scanned: 3, referenced: 2, young: 1, garbage: [] });

    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(orphanPath, twoHoursAgo, twoHoursAgo);
    const dry = await runKiln(['gc'], { home });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(orphanHash);
    expect(dry.stdout).toMatch(/would delete 1 \(22 bytes\)/);
    expect(dry.stdout).toContain('dry run: pass --apply to delete');
    expect(existsSync(orphanPath)).toBe(true);

    const applied = await runKiln(['gc', '--apply', '--json'], { home });
    expect(applied.code, applied.stderr).toBe(0);
    expect(json<GcReport>(applied)).toMatchObject({ applied: true, deleted: 1, bytes: 22, garbage: [{ hash: orphanHash, size: 22 }] });
    expect(existsSync(orphanPath)).toBe(false);
    expect(json<GcReport>(await runKiln(['gc', '--apply', '--grace', '0', '--json'], { home }))).toMatchObject({ deleted: 0, referenced: 2 });
    const profile = await runKiln(['data', 'profile', 'tiny@1', '--json'], { home });
    expect(profile.code, profile.stderr).toBe(0);
    expect(json<{ rows: number }>(profile).rows).toBe(3);
    expect(datasetHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a bad --grace with exit 2', async () => {
    const home = await tempDir();
    const run = await runKiln(['gc', '--grace', 'soon'], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--grace must be a duration such as 30m, 1h or 2d');
  });
});
