/** The DuckDB point-in-time join against the brute-force reference on seeded random data, and a leakage check. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import type { FeatureTestKiln } from './feature-test-kiln.js';
import { openFeatureTestKiln, readRows } from './feature-test-kiln.js';
import { parseDefinitions } from './parse-definitions.js';
import type { ReferenceSourceRow } from './reference-pit.js';
import { referencePointInTime } from './reference-pit.js';

const T0 = Date.UTC(2026, 0, 1) / 1000;
const iso = (s: number): string => new Date(s * 1000).toISOString();

describe('point-in-time join vs brute force', () => {
  let t: FeatureTestKiln;
  beforeAll(async () => {
    t = await openFeatureTestKiln();
  });
  afterAll(async () => {
    await t.dispose();
  });

  for (const seed of [1, 2, 3]) {
    it(`agrees with the reference on random data (seed ${seed}), and never leaks future values`, async () => {
      const rng = new Rng(seed);
      const keys = 6 + rng.int(6);
      // Coarse times (multiples of 10 min over 2 days) make equal timestamps and TTL-boundary hits common.
      const time = (): number => T0 + rng.int(288) * 600;
      const views = [0, 1].map((v) => {
        const rows: ReferenceSourceRow[] = [];
        const n = 50 + rng.int(200);
        for (let i = 0; i < n; i++) {
          const ts = time();
          rows.push({ key: `k${rng.int(keys)}`, ts, created: v === 0 ? ts + rng.int(3) * 600 : null, ord: i + 1, value: i * 10 + v });
        }
        return { rows, ttl: v === 0 ? 6 * 3600 : 3 * 3600 + 600 * rng.int(6) };
      });
      const entities = Array.from({ length: 300 }, () => ({ key: `k${rng.int(keys + 2)}`, ts: time() }));
      for (const [v, view] of views.entries()) {
        const header = v === 0 ? 'entity_key,event_ts,created_ts,value,seen_at' : 'entity_key,event_ts,value,seen_at';
        const lines = view.rows.map((r) => [r.key, iso(r.ts), ...(v === 0 ? [iso(r.created ?? 0)] : []), r.value, r.ts].join(','));
        await writeFile(join(t.dir, `v${seed}_${v}.csv`), `${header}\n${lines.join('\n')}\n`);
      }
      await writeFile(join(t.dir, `e${seed}.csv`), `entity_key,event_timestamp\n${entities.map((e) => `${e.key},${iso(e.ts)}`).join('\n')}\n`);
      const definitions = parseDefinitions(
        {
          entities: [{ name: 'thing', joinKeys: ['entity_key'] }],
          featureViews: views.map((view, v) => ({
            name: `v${v}`,
            entities: ['thing'],
            source: { path: `v${seed}_${v}.csv`, timestampField: 'event_ts', ...(v === 0 ? { createdTimestampField: 'created_ts' } : {}) },
            ttl: `${view.ttl}s`,
            features: [{ name: 'value', type: 'int64' }, { name: 'seen_at', type: 'int64' }],
          })),
          featureServices: [{ name: 'all', features: ['v0:value', 'v0:seen_at', 'v1:value', 'v1:seen_at'] }],
        },
        t.dir,
      );
      await t.kiln.features.apply(definitions);
      const out = join(t.dir, `out${seed}.parquet`);
      await t.kiln.features.trainingSet({ entities: join(t.dir, `e${seed}.csv`), service: 'all', out });
      const got = await readRows(out);
      expect(got).toHaveLength(entities.length);
      for (const [v, view] of views.entries()) {
        const want = referencePointInTime(entities, view.rows, view.ttl);
        expect(got.map((r) => (r[`v${v}__value`] === null ? null : Number(r[`v${v}__value`])))).toEqual(want);
        expect(want.filter((x) => x !== null).length).toBeGreaterThan(10);
        // Leakage: every value seen was observed at or before the row's time, and within the TTL.
        got.forEach((r, i) => {
          const seen = r[`v${v}__seen_at`];
          if (seen === null) return;
          expect(Number(seen)).toBeLessThanOrEqual(entities[i].ts);
          expect(entities[i].ts - Number(seen)).toBeLessThanOrEqual(view.ttl);
        });
      }
    });
  }
});
