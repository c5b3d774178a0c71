/**
 * User-configured capture masking (`settings.captureMasking`): an endpoint's masking policy is applied on
 * the way to capture segments, so raw values of masked inputs never land in a Parquet segment (read back
 * both through DuckDB and as raw bytes), masked values do; a bad policy is a 400 naming the field, and
 * `null` clears the policy.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../core/frame.js';
import { cellValue } from '../core/frame.js';
import type { Kiln } from '../kiln.js';
import { openKiln } from '../kiln.js';
import { createApp } from './create-app.js';
import type { KilnApp } from './kiln-app.js';

let kiln: Kiln;
let app: KilnApp | undefined;
let home: string;
let trainedId: string;
/** Seen in training (so they reach capture as themselves, not as unseen-category nulls). */
const EMAILS = ['alice.pii@example.com', 'bob.pii@example.org', 'carol.pii@example.net'];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kiln-capture-mask-'));
  kiln = await openKiln({ home, databaseUrl: undefined });
  const csv = join(home, 'train.csv');
  const lines = ['x,email,label'];
  for (let i = 0; i < 200; i++) lines.push(`${(i % 17) / 5 - 1.5},${EMAILS[i % 3]},${(i % 17) / 5 - 1.5 + (i % 3) / 2 > 0 ? 'pos' : 'neg'}`);
  await writeFile(csv, `${lines.join('\n')}\n`);
  trainedId = (await kiln.training.train({ data: { file: csv }, target: 'label', params: { numTrees: 5 } })).model.id;
  app = await createApp(kiln, { logger: false, auth: { mode: 'off' } });
});
afterAll(async () => {
  await app?.close();
  await kiln?.close();
});

function send(method: 'POST' | 'PATCH', url: string, body: unknown) {
  if (!app) throw new Error('no app');
  return app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

/** The raw bytes of every capture segment (Parquet) of an endpoint. */
async function segmentBytes(endpoint: string): Promise<Buffer[]> {
  const segments = await kiln.metadata.captureSegments.list({ endpoint });
  return Promise.all(segments.map(async (s) => readFile(await kiln.artifacts.materialize(s.artifactHash))));
}

/** Predict three instances and wait until capture has them all. */
async function predictAndCapture(endpoint: string): Promise<Frame> {
  const instances = EMAILS.map((email, i) => ({ x: i - 1, email }));
  const res = await send('POST', `/v1/endpoints/${endpoint}/predict`, { instances });
  expect(res.statusCode).toBe(200);
  let captured = await kiln.capture.readCapture({ endpoint });
  for (let i = 0; i < 100 && captured.rowCount < 3; i++) {
    await new Promise((r) => setTimeout(r, 200));
    captured = await kiln.capture.readCapture({ endpoint });
  }
  expect(captured.rowCount).toBe(3);
  return captured;
}

function emailsOf(captured: Frame): string[] {
  const col = captured.column('email');
  return Array.from({ length: captured.rowCount }, (_, i) => String(cellValue(col, i)));
}


describe('capture masking', () => {
  it('hashes a masked input before it reaches a capture segment', async () => {
    const policy = { version: 1, rules: [{ column: 'email', action: 'hash' }] };
    const created = await send('POST', '/v1/endpoints', { name: 'masked', model: `trained:${trainedId}`, settings: { captureSampleRate: 1, captureMasking: policy } });
    expect(created.statusCode).toBe(201);
    expect(created.json<{ settings: { captureMasking: unknown } }>().settings.captureMasking).toEqual(policy);
    // The capture pipeline learns endpoint settings by polling (every 2 s).
    await new Promise((r) => setTimeout(r, 2500));
    const captured = await predictAndCapture('masked');
    const emails = emailsOf(captured);
    for (const c of emails) expect(c).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(emails).size).toBe(3);
    expect(captured.has('x')).toBe(true);
    const segments = await segmentBytes('masked');
    expect(segments.length).toBeGreaterThan(0);
    for (const bytes of segments) {
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('PAR1');
      for (const e of EMAILS) expect(bytes.includes(e)).toBe(false);
    }
  }, 60_000);

  it('without a policy the same inputs land raw (the check above can fail)', async () => {
    expect((await send('POST', '/v1/endpoints', { name: 'plain', model: `trained:${trainedId}`, settings: { captureSampleRate: 1 } })).statusCode).toBe(201);
    await new Promise((r) => setTimeout(r, 2500));
    const captured = await predictAndCapture('plain');
    expect(emailsOf(captured).sort()).toEqual([...EMAILS].sort());
    const segments = await segmentBytes('plain');
    expect(segments.some((bytes) => bytes.includes(EMAILS[0]))).toBe(true);
  }, 60_000);

  it('refuses a bad policy with a 400 naming the field, and clears it with null', async () => {
    const bad = await send('POST', '/v1/endpoints', { name: 'bad-mask', model: `trained:${trainedId}`, settings: { captureMasking: { version: 1, rules: [{ column: 'color', action: 'scramble' }] } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { field: string } } }>().error.details.field).toBe('settings.captureMasking.rules.0.action');
    const noRules = await send('POST', '/v1/endpoints', { name: 'bad-mask', model: `trained:${trainedId}`, settings: { captureMasking: { version: 2 } } });
    expect(noRules.statusCode).toBe(400);
    expect(noRules.json<{ error: { details: { field: string } } }>().error.details.field).toMatch(/^settings\.captureMasking/);
    const dup = await send('POST', '/v1/endpoints', { name: 'bad-mask', model: `trained:${trainedId}`, settings: { captureMasking: { version: 1, rules: [{ column: 'a', action: 'drop' }, { column: 'a', action: 'hash' }] } } });
    expect(dup.statusCode).toBe(400);
    expect(dup.json<{ error: { details: { field: string } } }>().error.details.field).toBe('settings.captureMasking.rules.1.column');
    expect((await app?.inject({ method: 'GET', url: '/v1/endpoints/bad-mask' }))?.statusCode).toBe(404);
    const badUpdate = await send('PATCH', '/v1/endpoints/masked', { settings: { captureMasking: 'drop everything' } });
    expect(badUpdate.statusCode).toBe(400);
    const cleared = await send('PATCH', '/v1/endpoints/masked', { settings: { captureMasking: null } });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json<{ settings: Record<string, unknown> }>().settings.captureMasking).toBeUndefined();
  });
});
