/** Entity `valueType`: int64 keys are one key however they are spelled, and mistyped keys are refused where they enter. */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import type { FeatureTestKiln } from './feature-test-kiln.js';
import { openFeatureTestKiln } from './feature-test-kiln.js';
import { canonicalKeyValue } from './join-key-types.js';
import { loadDefinitions } from './load-definitions.js';
import { parseDefinitions } from './parse-definitions.js';

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/features/pit');

describe('canonicalKeyValue', () => {
  it('gives int64 keys one spelling and refuses what is not an int64', () => {
    expect(canonicalKeyValue(7, 'int64')).toEqual({ value: '7' });
    expect(canonicalKeyValue('007', 'int64')).toEqual({ value: '7' });
    expect(canonicalKeyValue(' +7 ', 'int64')).toEqual({ value: '7' });
    expect(canonicalKeyValue('-9223372036854775808', 'int64')).toEqual({ value: '-9223372036854775808' });
    for (const bad of [7.5, 'abc', '7.0', '9223372036854775808', true, 2 ** 60]) expect(canonicalKeyValue(bad, 'int64')).toHaveProperty('error');
    expect(canonicalKeyValue('a7', 'string')).toEqual({ value: 'a7' });
    expect(canonicalKeyValue(7, 'string')).toHaveProperty('error');
    expect(canonicalKeyValue(7, undefined)).toEqual({ value: 7 });
  });
});

describe('entity valueType', () => {
  it('is parsed (Feast capitals too) and refused when unknown', () => {
    const defs = (valueType: unknown): unknown => ({ entities: [{ name: 'c', joinKeys: ['id'], valueType }], featureViews: [], featureServices: [] });
    expect(parseDefinitions(defs('INT64'), '/tmp').entities[0].valueType).toBe('int64');
    expect(parseDefinitions(defs('string'), '/tmp').entities[0].valueType).toBe('string');
    expect(() => parseDefinitions(defs('float'), '/tmp')).toThrow(/entities\[0\]\.valueType: must be one of int64, string/);
  });

  let t: FeatureTestKiln;
  beforeEach(async () => {
    t = await openFeatureTestKiln();
    await cp(FIXTURE, join(t.dir, 'repo'), { recursive: true });
    const yaml = join(t.dir, 'repo/features.yaml');
    await writeFile(yaml, (await readFile(yaml, 'utf8')).replace('joinKeys: [customer_id]', 'joinKeys: [customer_id]\n    valueType: int64'));
    await t.kiln.features.apply((await loadDefinitions(join(t.dir, 'repo'))).definitions);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('reads, pushes and trains int64 keys by value: "007", "7" and 7 are one customer; text keys are refused', async () => {
    await t.kiln.features.materialize({ start: null, end: new Date('2026-01-31T00:00:00Z') });
    const read = async (id: unknown): Promise<unknown> => (await t.kiln.features.online({ features: ['customer_stats:balance'], entities: [{ customer_id: id as number }], now: Date.parse('2026-01-31T00:00:00Z') })).results[0]['customer_stats__balance'];
    const seven = await read(1);
    expect(seven).toMatchObject({ status: 'present' });
    expect(await read('001')).toEqual(seven);
    await expect(read('one')).rejects.toThrow(/entities\[0\]\.customer_id must be an int64/);
    await expect(read(1.5)).rejects.toBeInstanceOf(InputError);

    const pushed = await t.kiln.features.push('activity', [
      { customer_id: '0042', ts: '2026-01-20T00:00:00Z', clicks: 9 },
      { customer_id: 'x42', ts: '2026-01-20T00:00:00Z', clicks: 9 },
    ]);
    expect(pushed.accepted).toBe(1);
    expect(pushed.rejected).toEqual([{ index: 1, reason: expect.stringMatching(/join key 'customer_id' must be an int64/) as unknown as string }]);
    const clicks = await t.kiln.features.online({ features: ['activity:clicks'], entities: [{ customer_id: 42 }], now: Date.parse('2026-01-20T01:00:00Z') });
    expect(clicks.results[0]['activity__clicks']).toMatchObject({ status: 'present', value: 9 });

    // An entities file whose key column is text (one row spelled "c1") cannot be joined as int64.
    const entities = join(t.dir, 'text-keys.csv');
    await writeFile(entities, 'customer_id,event_timestamp\nc1,2026-01-10T00:00:00Z\n2,2026-01-10T00:00:00Z\n');
    await expect(t.kiln.features.trainingSet({ entities, service: 'churn_v1', out: join(t.dir, 'out.csv') })).rejects.toThrow(/join key column 'customer_id' is VARCHAR, but its entity declares valueType int64/);
  });

  it('refuses at apply a source whose key column is not integer', async () => {
    const stats = join(t.dir, 'repo/stats.csv');
    await writeFile(stats, (await readFile(stats, 'utf8')).replace(/\n1,/, '\nc1,'));
    await expect(t.kiln.features.apply((await loadDefinitions(join(t.dir, 'repo'))).definitions)).rejects.toThrow(/join key 'customer_id' is declared int64 .* but the source column is VARCHAR/);
  });
});
