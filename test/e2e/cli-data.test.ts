/**
 * End-to-end: `kiln data ...` on real data (telco churn, adult) through the real CLI, and every
 * bad-input case of the data layer: exit 2, a message naming the problem, nothing registered.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, runKiln, tempDir } from './run-kiln.js';

const TELCO = 'test/fixtures/telco-churn.csv';
const ADULT = 'test/fixtures/adult.csv';

interface ProfileDoc {
  rows: number;
  columns: { name: string; type: string; count: number; missing: number; mean: number | null }[];
}

describe('kiln data (real data)', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = await tempDir();
    dir = await tempDir('kiln-e2e-files-');
  });

  it('profiles telco churn with the documented JSON contract and an offline HTML report', async () => {
    const html = join(dir, 'telco.html');
    const run = await runKiln(['data', 'profile', TELCO, '--json', '--html', html], { home });
    expect(run.code, run.stderr).toBe(0);
    const doc = json<ProfileDoc>(run);
    expect(doc.rows).toBe(7043);
    expect(doc.columns).toHaveLength(21);
    const total = doc.columns.find((c) => c.name === 'TotalCharges');
    expect(total?.type).toBe('numeric');
    expect(total?.missing).toBe(11);
    expect(doc.columns.find((c) => c.name === 'Churn')?.type).toBe('categorical');
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });

  it('suggests a suite that passes on the same data, and fails (exit 1) on other data', async () => {
    const suite = join(dir, 'telco-suite.json');
    const s = await runKiln(['data', 'suggest', TELCO, '--out', suite], { home });
    expect(s.code, s.stderr).toBe(0);
    const ok = await runKiln(['data', 'validate', TELCO, '--suite', suite, '--json'], { home });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const result = json<{ success: boolean; results: unknown[]; scores: Record<string, number | null> }>(ok);
    expect(result.success).toBe(true);
    expect(Object.keys(result.scores).sort()).toEqual(['completeness', 'consistency', 'overall', 'timeliness', 'uniqueness', 'validity']);
    const bad = await runKiln(['data', 'validate', ADULT, '--suite', suite, '--json'], { home });
    expect(bad.code).toBe(1);
    expect(json<{ success: boolean }>(bad).success).toBe(false);
  });

  it('quarantines failing rows with reasons and keeps every row', async () => {
    const suiteFile = join(dir, 'q-suite.json');
    await writeFile(
      suiteFile,
      JSON.stringify({ suiteVersion: 1, name: 'q', expectations: [{ type: 'column_values_between', column: 'tenure', min: 1, max: 100 }] }),
    );
    const qdir = join(dir, 'quarantine');
    const run = await runKiln(['data', 'validate', TELCO, '--suite', suiteFile, '--quarantine', qdir, '--json'], { home });
    expect(run.code).toBe(1);
    const failing = (await readFile(join(qdir, 'failing.csv'), 'utf8')).trim().split('\n');
    const clean = (await readFile(join(qdir, 'clean.csv'), 'utf8')).trim().split('\n');
    expect(failing[0]).toContain('_kiln_errors');
    expect(failing.length - 1).toBe(11); // the 11 customers with tenure 0
    expect(failing.length - 1 + clean.length - 1).toBe(7043);
  });

  it('registers content-hashed versions; identical content returns the same version', async () => {
    const a = await runKiln(['data', 'register', TELCO, '--name', 'telco', '--json'], { home });
    expect(a.code, a.stderr).toBe(0);
    const first = json<{ name: string; version: number; hash: string; rows: number }>(a);
    expect(first).toMatchObject({ name: 'telco', version: 1, rows: 7043 });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    const again = json<{ version: number; hash: string }>(await runKiln(['data', 'register', TELCO, '--name', 'telco', '--json'], { home }));
    expect(again.version).toBe(1);
    expect(again.hash).toBe(first.hash);
    const adult = json<{ version: number }>(await runKiln(['data', 'register', ADULT, '--name', 'telco', '--json'], { home }));
    expect(adult.version).toBe(2);
    const list = json<{ datasets: { name: string; latestVersion: number }[] }>(await runKiln(['data', 'list', '--json'], { home }));
    expect(list).toEqual({ datasets: [expect.objectContaining({ name: 'telco', latestVersion: 2 })], next: null });
    const show = json<{ version: number; rows: number }>(await runKiln(['data', 'show', 'telco@1', '--json'], { home }));
    expect(show).toMatchObject({ version: 1, rows: 7043 });
    // NAME@VERSION is accepted wherever a file is.
    const prof = json<ProfileDoc>(await runKiln(['data', 'profile', 'telco@1', '--json'], { home }));
    expect(prof.rows).toBe(7043);
    const latest = json<ProfileDoc>(await runKiln(['data', 'profile', 'telco@latest', '--json'], { home }));
    expect(latest.rows).toBe(32561);
  });

  it('pages list and show with --limit/--cursor and shows the full profile', async () => {
    const paged = json<{ version: number; rows: number; profile: ProfileDoc; versions: { version: number }[]; versionsNext: string | null }>(
      await runKiln(['data', 'show', 'telco@1', '--json', '--limit', '1'], { home }),
    );
    expect(paged).toMatchObject({ version: 1, rows: 7043, versions: [{ version: 1 }] });
    // The full profile is read back from the artifact store.
    expect(paged.profile.rows).toBe(7043);
    const rest = json<{ versions: { version: number }[]; versionsNext: string | null }>(await runKiln(['data', 'show', 'telco', '--json', '--cursor', paged.versionsNext!], { home }));
    expect(rest).toMatchObject({ versions: [{ version: 2 }], versionsNext: null });
    const badLimit = await runKiln(['data', 'list', '--limit', 'lots'], { home });
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toMatch(/--limit/);
  }, 120_000);

  it('hashes content, not file bytes: the stored Parquet copy hashes as the CSV did; integers stay integers', async () => {
    const own = await tempDir();
    const first = json<{ hash: string }>(await runKiln(['data', 'register', TELCO, '--name', 'telco', '--json'], { home: own }));
    const copy = json<{ hash: string }>(await runKiln(['data', 'register', 'telco@1', '--name', 'telco-copy', '--json'], { home: own }));
    expect(copy.hash).toBe(first.hash);
    const schema = json<{ schema: { fields: { name: string; type: string }[] } }>(await runKiln(['data', 'show', 'telco-copy@1', '--json'], { home: own })).schema;
    expect(schema.fields.find((f) => f.name === 'tenure')?.type).toBe('int64');
    expect(schema.fields.find((f) => f.name === 'MonthlyCharges')?.type).toBe('numeric');
  }, 120_000);

  it('never misreads silently: forced types win or fail clearly, ;-files keep their header, header-only files keep columns', async () => {
    const ints = join(dir, 'ints.csv');
    await writeFile(ints, 'v\n1\n2\n3\n4\n5\n');
    const bool = await runKiln(['data', 'profile', ints, '--types', 'v:boolean', '--json'], { home });
    expect(bool.code).toBe(2);
    expect(bool.stderr).toMatch(/column \\"v\\" row 2: \\"2\\" is not a boolean/);
    const semi = join(dir, 'semi.csv');
    await writeFile(semi, 'x;y\n1,5;2,25\n3,5;4,75\n');
    const doc = json<ProfileDoc>(await runKiln(['data', 'profile', semi, '--json'], { home }));
    expect(doc.columns.map((c) => [c.name, c.type, c.mean])).toEqual([['x', 'numeric', 2.5], ['y', 'numeric', 3.5]]);
    const header = join(dir, 'header.csv');
    await writeFile(header, 'a,b,c\n');
    const h = json<ProfileDoc>(await runKiln(['data', 'profile', header, '--json'], { home }));
    expect(h.rows).toBe(0);
    expect(h.columns.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  }, 120_000);
});

describe('kiln data (bad input: exit 2, clear message, nothing registered)', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = await tempDir();
    dir = await tempDir('kiln-e2e-bad-');
  });

  async function expectRejected(file: string, pattern: RegExp, extra: string[] = []): Promise<void> {
    const run = await runKiln(['data', 'register', file, '--name', 'bad', ...extra], { home });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(2);
    expect(run.stderr).toMatch(pattern);
    const list = json<{ datasets: unknown[] }>(await runKiln(['data', 'list', '--json'], { home }));
    expect(list.datasets).toEqual([]);
  }

  const write = async (name: string, content: string | Uint8Array): Promise<string> => {
    const p = join(dir, name);
    await writeFile(p, content);
    return p;
  };

  it('missing file', async () => {
    await expectRejected(join(dir, 'nope.csv'), /no such file.*nope\.csv/);
  });
  it('empty file', async () => {
    await expectRejected(await write('empty.csv', ''), /empty/i);
  });
  it('header only', async () => {
    await expectRejected(await write('header.csv', 'a,b,c\n'), /no (data )?rows|header only|empty/i);
  });
  it('ragged rows', async () => {
    await expectRejected(await write('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n'), /line|row/i);
  });
  it('non-UTF-8 bytes', async () => {
    await expectRejected(await write('latin1.csv', Buffer.concat([Buffer.from('name,city\nx,'), Buffer.from([0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e]), Buffer.from('\n')])), /UTF-8|encoding/i);
  });
  it('binary garbage', async () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) % 256;
    await expectRejected(await write('garbage.csv', bytes), /binary|UTF-8|encoding|not a/i);
  });
  it('a 10 MB single line', async () => {
    await expectRejected(await write('long.csv', `a,b\n${'x'.repeat(10 * 1024 * 1024)},1\n`), /line|too long|row|maximum/i);
  });
  it('quotes never closed', async () => {
    await expectRejected(await write('quote.csv', 'a,b\n1,"never closed\n2,3\n'), /quote/i);
  });
  it('declared types that do not fit the data', async () => {
    await expectRejected(await write('types.csv', 'a,b\n1,x\n2,y\n'), /column.*"?b"?/i, ['--types', 'b:numeric']);
  });
  it('hostile dataset names', async () => {
    const ok = await write('ok.csv', 'a,b\n1,2\n');
    for (const name of ['../../x', "x'; DROP TABLE datasets; --", 'a/b', '']) {
      const run = await runKiln(['data', 'register', ok, '--name', name], { home });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/invalid dataset name/);
    }
    const list = json<{ datasets: unknown[] }>(await runKiln(['data', 'list', '--json'], { home }));
    expect(list.datasets).toEqual([]);
  });
  it('hostile column names are data, not SQL', async () => {
    const p = await write('cols.csv', '"a""; DROP TABLE t; --",../../etc/passwd,<script>\n1,2,3\n4,5,6\n');
    const run = await runKiln(['data', 'profile', p, '--json'], { home });
    expect(run.code, run.stderr).toBe(0);
    expect(json<ProfileDoc>(run).columns.map((c) => c.name)).toEqual(['a"; DROP TABLE t; --', '../../etc/passwd', '<script>']);
  });
  it('a suite with unknown fields or wrong types', async () => {
    const data = await write('d.csv', 'a,b\n1,2\n');
    const unknown = await write('s1.json', JSON.stringify({ suiteVersion: 1, name: 's', expectations: [{ type: 'column_exists', column: 'a', colour: 'red' }] }));
    const r1 = await runKiln(['data', 'validate', data, '--suite', unknown], { home });
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/colour/);
    const wrong = await write('s2.json', JSON.stringify({ suiteVersion: 1, name: 's', expectations: [{ type: 'column_values_between', column: 'a', min: 'zero' }] }));
    const r2 = await runKiln(['data', 'validate', data, '--suite', wrong], { home });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/min/);
  });
  it('a catastrophic regex', async () => {
    const data = await write('r.csv', `a\n${'a'.repeat(40)}!\n`);
    const suite = await write('s3.json', JSON.stringify({ suiteVersion: 1, name: 's', expectations: [{ type: 'column_values_match_regex', column: 'a', regex: '(a+)+$' }] }));
    const started = Date.now();
    const run = await runKiln(['data', 'validate', data, '--suite', suite], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/regex|pattern/i);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
