/** Definitions: the CONTRACT shape, path-named validation errors, source checks, apply plans and versions. */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../core/errors.js';
import type { FeatureTestKiln } from './feature-test-kiln.js';
import { openFeatureTestKiln } from './feature-test-kiln.js';
import { loadDefinitions } from './load-definitions.js';
import { parseDefinitions } from './parse-definitions.js';
import { formatTtl, parseTtl } from './ttl.js';

const CONTRACT = `entities:
  - name: customer
    joinKeys: [customer_id]
featureViews:
  - name: customer_stats
    entities: [customer]
    source: { path: stats.csv, timestampField: event_ts }
    ttl: 30d
    features: [{ name: balance, type: float64 }, { name: segment, type: string }]
featureServices:
  - name: churn_v1
    features: [customer_stats:balance, customer_stats:segment]
`;

const base = () => ({
  entities: [{ name: 'customer', joinKeys: ['customer_id'] }],
  featureViews: [
    {
      name: 'customer_stats',
      entities: ['customer'],
      source: { path: 'stats.csv', timestampField: 'event_ts' },
      ttl: '30d',
      features: [{ name: 'balance', type: 'float64' }, { name: 'segment', type: 'string' }],
    },
  ],
  featureServices: [{ name: 'churn_v1', features: ['customer_stats:balance'] }],
});

/** The `field` of the InputError `fn` throws. */
function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return String((err as InputError).details.field);
  }
  throw new Error('expected an InputError');
}

describe('feature definitions', () => {
  it('parses TTLs', () => {
    expect(parseTtl('30d', 'ttl')).toBe(2_592_000);
    expect(parseTtl('12h', 'ttl')).toBe(43_200);
    expect(parseTtl(undefined, 'ttl')).toBeNull();
    expect(formatTtl(2_592_000)).toBe('30d');
    expect(formatTtl(90)).toBe('90s');
    for (const bad of ['30 days', '-1d', '1.5h', 'd', {}]) expect(() => parseTtl(bad, 'featureViews[0].ttl')).toThrow(/featureViews\[0\]\.ttl/);
  });

  it('names the path of each problem', () => {
    const withType = base();
    withType.featureViews[0].features[1].type = 'flaot64';
    expect(fieldOf(() => parseDefinitions(withType, '/x'))).toBe('featureViews[0].features[1].type');
    const unknownEntity = base();
    unknownEntity.featureViews[0].entities = ['shop'];
    expect(fieldOf(() => parseDefinitions(unknownEntity, '/x'))).toBe('featureViews[0].entities[0]');
    const dupFeature = base();
    dupFeature.featureViews[0].features[1].name = 'balance';
    expect(fieldOf(() => parseDefinitions(dupFeature, '/x'))).toBe('featureViews[0].features[1]');
    const dupView = base();
    dupView.featureViews.push(dupView.featureViews[0]);
    expect(fieldOf(() => parseDefinitions(dupView, '/x'))).toBe('featureViews[1]');
    const badRef = base();
    badRef.featureServices[0].features = ['customer_stats:nope'];
    expect(fieldOf(() => parseDefinitions(badRef, '/x'))).toBe('featureServices[0].features[0]');
    const hostile = base();
    hostile.featureViews[0].features[0].name = 'x"; DROP TABLE t; --';
    expect(fieldOf(() => parseDefinitions(hostile, '/x'))).toBe('featureViews[0].features[0].name');
    const keyAsFeature = base();
    keyAsFeature.featureViews[0].features[0].name = 'customer_id';
    expect(fieldOf(() => parseDefinitions(keyAsFeature, '/x'))).toBe('featureViews[0].features[0].name');
    expect(fieldOf(() => parseDefinitions([], '/x'))).toBe('$');
    expect(fieldOf(() => parseDefinitions({ ...base(), extra: 1 }, '/x'))).toBe('extra');
    expect(fieldOf(() => parseDefinitions({ ...base(), featureViews: 'no' }, '/x'))).toBe('featureViews');
  });

  it('resolves relative paths against the definitions file', () => {
    const defs = parseDefinitions(base(), '/repo/defs');
    expect(defs.featureViews[0].source).toEqual({ kind: 'file', path: '/repo/defs/stats.csv', timestampField: 'event_ts' });
    expect(defs.featureViews[0].ttlSeconds).toBe(2_592_000);
  });
});

describe('kiln features apply (service)', () => {
  let t: FeatureTestKiln;
  beforeEach(async () => {
    t = await openFeatureTestKiln();
    await mkdir(join(t.dir, 'repo'));
    await writeFile(join(t.dir, 'repo/features.yaml'), CONTRACT);
    await writeFile(join(t.dir, 'repo/stats.csv'), 'customer_id,event_ts,balance,segment\n1,2026-01-01T00:00:00Z,1.5,a\n');
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('applies the contract shape, idempotently, and versions changed views only', async () => {
    const { definitions, file } = await loadDefinitions(join(t.dir, 'repo'));
    expect(file).toBe(join(t.dir, 'repo/features.yaml'));
    const first = await t.kiln.features.apply(definitions);
    expect(first).toMatchObject({ version: 1, applied: true, plan: { featureViews: { added: ['customer_stats'], changed: [], removed: [] } } });
    const again = await t.kiln.features.apply(definitions);
    expect(again).toMatchObject({ version: 1, applied: false, plan: { unchanged: true } });
    await writeFile(join(t.dir, 'repo/other.csv'), 'customer_id,ts,n\n1,2026-01-01,3\n');
    const more = parseDefinitions(
      {
        entities: [{ name: 'customer', joinKeys: ['customer_id'] }],
        featureViews: [
          { name: 'customer_stats', entities: ['customer'], source: { path: 'stats.csv', timestampField: 'event_ts' }, ttl: '30d', features: [{ name: 'balance', type: 'float64' }, { name: 'segment', type: 'string' }] },
          { name: 'orders', entities: ['customer'], source: { path: 'other.csv', timestampField: 'ts' }, features: [{ name: 'n', type: 'int64' }] },
        ],
        featureServices: [],
      },
      join(t.dir, 'repo'),
    );
    const second = await t.kiln.features.apply(more);
    expect(second.plan).toMatchObject({ featureViews: { added: ['orders'], changed: [], removed: [] }, featureServices: { removed: ['churn_v1'] } });
    const current = await t.kiln.features.current();
    expect(current?.featureViews.map((v) => [v.name, v.version])).toEqual([
      ['customer_stats', 1],
      ['orders', 2],
    ]);
    expect((await t.kiln.features.show('orders')).kind).toBe('featureView');
    await expect(t.kiln.features.show('nope')).rejects.toBeInstanceOf(NotFoundError);
    expect((await t.kiln.metadata.audit.list()).items.some((e) => e.action === 'features.apply')).toBe(true);
  });

  it('refuses unknown columns and type mismatches against the source, registering nothing', async () => {
    await writeFile(join(t.dir, 'repo/stats.csv'), 'customer_id,event_ts,balance,segmnt\n1,2026-01-01T00:00:00Z,abc,a\n');
    const { definitions } = await loadDefinitions(join(t.dir, 'repo'));
    const err = await t.kiln.features.apply(definitions).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const issues = (err as InputError).details.issues as Array<{ path: string }>;
    expect(issues.map((i) => i.path)).toEqual(['featureViews[0].features[0].type', 'featureViews[0].features[1].name']);
    expect(await t.kiln.features.current()).toBeNull();
    await writeFile(join(t.dir, 'repo/stats.csv'), 'id,when\n1,2\n');
    const err2 = await t.kiln.features.apply(definitions).catch((e: unknown) => e);
    expect(((err2 as InputError).details.issues as Array<{ path: string }>).map((i) => i.path)).toContain('featureViews[0].entities');
  });

  it('reports unreadable definitions files', async () => {
    await writeFile(join(t.dir, 'bad.yaml'), 'entities: [\n');
    await expect(loadDefinitions(join(t.dir, 'bad.yaml'))).rejects.toThrow(/not valid YAML/);
    await writeFile(join(t.dir, 'bomb.yaml'), `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [${'*a, '.repeat(60)}*a]\nc: [${'*b, '.repeat(60)}*b]\n`);
    await expect(loadDefinitions(join(t.dir, 'bomb.yaml'))).rejects.toBeInstanceOf(InputError);
    await expect(loadDefinitions(join(t.dir, 'none'))).rejects.toBeInstanceOf(NotFoundError);
    await cp(join(t.dir, 'repo/stats.csv'), join(t.dir, 'empty-dir-check.csv'));
    await expect(loadDefinitions(t.dir)).rejects.toThrow(/holds none of features.yaml/);
  });
});
