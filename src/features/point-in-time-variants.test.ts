/**
 * Source and entity rows whose join keys or timestamps are written differently but mean the same value
 * (`7` / `7.0` / `7.00` in a float key column; `...Z`, `... 00:00:00`, `+02:00` offsets for one instant) are
 * the same row to every path: the scan, the offline index and materialization pick the same winner per
 * (keys, event time), and a training set has exactly one row per entity row, equal to the brute-force
 * reference computed on the parsed values.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import type { FeatureTestKiln } from './feature-test-kiln.js';
import { openFeatureTestKiln, readRows } from './feature-test-kiln.js';
import { parseDefinitions } from './parse-definitions.js';
import type { ReferenceSourceRow } from './reference-pit.js';
import { referencePointInTime } from './reference-pit.js';

const T0 = Date.UTC(2026, 0, 1) / 1000;
const pad = (n: number): string => String(n).padStart(2, '0');

/** The instant `s` (epoch seconds) in one of five spellings DuckDB reads as the same TIMESTAMPTZ. */
function spell(s: number, variant: number): string {
  const at = (sec: number): string => {
    const d = new Date(sec * 1000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  };
  const clock = (sec: number): string => {
    const d = new Date(sec * 1000);
    return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  };
  switch (variant % 5) {
    case 0:
      return new Date(s * 1000).toISOString().replace('.000', '');
    case 1:
      return `${at(s)} ${clock(s)}`;
    case 2:
      return `${at(s)}T${clock(s)}`;
    case 3:
      return `${at(s + 7200)}T${clock(s + 7200)}+02:00`;
    default:
      return `${at(s - 19800)}T${clock(s - 19800)}-05:30`;
  }
}

/** A whole-number key in one of three spellings of the same float. */
const spellKey = (k: number, variant: number): string => [String(k), `${k}.0`, `${k}.00`][variant % 3];

interface VariantCase {
  readonly entities: Array<{ key: string; ts: number }>;
  readonly reference: Array<Array<number | null>>;
  readonly rows: ReferenceSourceRow[][];
  readonly ttls: readonly number[];
  readonly latest: number;
}

/** Two views (one with a created timestamp) over keys 1..6 with coarse times, every value spelled at random. */
async function variantCase(dir: string, seed: number): Promise<VariantCase> {
  const rng = new Rng(seed);
  const time = (): number => T0 + rng.int(60) * 1800;
  const reference: Array<Array<number | null>> = [];
  const sourceRows: ReferenceSourceRow[][] = [];
  const entities = Array.from({ length: 120 }, () => ({ key: String(1 + rng.int(7)), ts: time() }));
  const ttls = [6 * 3600, 3 * 3600];
  const views = [0, 1].map((v) => {
    const rows: ReferenceSourceRow[] = [];
    const lines: string[] = [];
    const n = 60 + rng.int(80);
    for (let i = 0; i < n; i++) {
      const k = 1 + rng.int(6);
      const ts = time();
      const created = v === 0 && rng.int(3) > 0 ? ts + rng.int(3) * 600 : null;
      rows.push({ key: String(k), ts, created, ord: i + 1, value: i * 10 + v });
      const createdText = created === null ? '' : spell(created, rng.int(5));
      lines.push([spellKey(k, rng.int(3)), spell(ts, rng.int(5)), ...(v === 0 ? [createdText] : []), i * 10 + v].join(','));
    }
    sourceRows.push(rows);
    reference.push(referencePointInTime(entities, rows, ttls[v]));
    const header = ['k', 'event_ts', ...(v === 0 ? ['created_ts'] : []), 'value'].join(',');
    return writeFile(join(dir, `variant${seed}_v${v}.csv`), `${header}\n${lines.join('\n')}\n`);
  });
  await Promise.all(views);
  const entityLines = entities.map((e) => `${spellKey(Number(e.key), rng.int(3))},${spell(e.ts, rng.int(5))}`);
  await writeFile(join(dir, `variant${seed}_e.csv`), `k,event_timestamp\n${entityLines.join('\n')}\n`);
  return { entities, reference, rows: sourceRows, ttls, latest: T0 + 60 * 1800 };
}

describe('point-in-time join with differently spelled keys and timestamps', () => {
  let t: FeatureTestKiln;
  beforeEach(async () => {
    t = await openFeatureTestKiln();
  });
  afterEach(async () => {
    await t.dispose();
  });

  for (const seed of [1, 2, 3]) {
    it(`scan, index and reference agree with one row per entity row (seed ${seed})`, async () => {
      const c = await variantCase(t.dir, seed);
      const definitions = parseDefinitions(
        {
          entities: [{ name: 'thing', joinKeys: ['k'] }],
          featureViews: [0, 1].map((v) => ({
            name: `v${v}`,
            entities: ['thing'],
            source: { path: `variant${seed}_v${v}.csv`, timestampField: 'event_ts', ...(v === 0 ? { createdTimestampField: 'created_ts' } : {}) },
            ttl: `${c.ttls[v]}s`,
            features: [{ name: 'value', type: 'int64' }],
          })),
          featureServices: [{ name: 'all', features: ['v0:value', 'v1:value'] }],
        },
        t.dir,
      );
      await t.kiln.features.apply(definitions);
      const entities = join(t.dir, `variant${seed}_e.csv`);
      const scanOut = join(t.dir, `variant${seed}-scan.parquet`);
      const indexOut = join(t.dir, `variant${seed}-index.parquet`);
      await t.kiln.features.trainingSet({ entities, service: 'all', out: scanOut, useIndex: false });
      expect((await t.kiln.features.index()).map((r) => r.status)).toEqual(['built', 'built']);
      const lineage = await t.kiln.features.trainingSet({ entities, service: 'all', out: indexOut });
      expect(lineage.featureViews.map((v) => v.read)).toEqual(['index', 'index']);
      const scan = await readRows(scanOut);
      const index = await readRows(indexOut);
      expect(scan).toHaveLength(c.entities.length);
      expect(index).toEqual(scan);
      for (const v of [0, 1]) {
        expect(scan.map((r) => (r[`v${v}__value`] === null ? null : Number(r[`v${v}__value`])))).toEqual(c.reference[v]);
        expect(c.reference[v].filter((x) => x !== null).length).toBeGreaterThan(10);
      }
      // Online after materializing everything: each key's winner, as the reference sees it at that instant.
      await t.kiln.features.materialize({ start: null, end: new Date(c.latest * 1000) });
      const keys = [1, 2, 3, 4, 5, 6];
      const online = await t.kiln.features.online({ service: 'all', entities: keys.map((k) => ({ k })), now: c.latest * 1000 });
      for (const v of [0, 1]) {
        const want = referencePointInTime(keys.map((k) => ({ key: String(k), ts: c.latest })), c.rows[v], c.ttls[v]);
        expect(want.some((x) => x !== null)).toBe(true);
        expect(online.results.map((r) => (r[`v${v}__value`].status === 'present' ? Number(r[`v${v}__value`].value) : null)), `v${v}`).toEqual(want);
      }
    });
  }
});

