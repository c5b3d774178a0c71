/**
 * `kiln features stats VIEW`: what a feature view holds offline and online, and how fresh it is. The
 * offline side is the view's source: row count, distinct entities, event-time range (DuckDB), and a
 * profile of each feature (count, missing, min/max/mean/quantiles or top categories) from the data
 * profiler, run over a projection of just the view's typed features (a temp Parquet file) so a wide
 * source costs only the columns the view declares. The online side is the store's entity count and
 * newest event time; freshness compares the newest event time with the view's TTL.
 */
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DescribedSource } from '../data/io/describe-source.js';
import { translateDuckDbError } from '../data/io/duckdb-error.js';
import { quoteIdentifier as q, quoteLiteral } from '../data/io/sql-quote.js';
import { makeTempDir, removeTempPath } from '../data/io/temp-space.js';
import type { Quantiles, ValueCount } from '../data/profile/profile-types.js';
import { profileSource } from '../data/run/profile-source.js';
import type { OnlineViewStats } from '../store/online-store.js';
import type { RegisteredFeatureView } from './definitions.js';
import { duckTypeOf } from './source-columns.js';

/** One feature's profile. */
export interface FeatureProfile {
  readonly name: string;
  readonly type: string;
  readonly count: number;
  readonly missing: number;
  readonly missingFraction: number;
  readonly distinct: number;
  readonly min: number | string | null;
  readonly max: number | string | null;
  readonly mean: number | null;
  readonly std: number | null;
  readonly quantiles: Quantiles | null;
  readonly topCategories: ValueCount[] | null;
}

/** The stats of one view (the JSON of `kiln features stats --json` and `GET /v1/features/views/:name/stats`). */
export interface FeatureViewStats {
  readonly view: string;
  readonly version: number;
  readonly source: string;
  readonly offline: { readonly rows: number; readonly entities: number; readonly earliestEventTime: string | null; readonly latestEventTime: string | null };
  readonly online: { readonly entities: number; readonly latestEventTime: string | null };
  readonly materialization: { readonly watermark: string; readonly rows: number; readonly materializedAt: string } | null;
  readonly freshness: { readonly latestEventTime: string | null; readonly ageSeconds: number | null; readonly ttlSeconds: number | null; readonly stale: boolean | null };
  readonly features: FeatureProfile[];
}

/** What the stats need besides the source. */
export interface FeatureStatsInput {
  readonly view: RegisteredFeatureView;
  readonly keys: readonly string[];
  readonly source: DescribedSource;
  readonly sourceLabel: string;
  readonly online: OnlineViewStats;
  readonly materialization: FeatureViewStats['materialization'];
  readonly now: number;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/** Compute the stats of one view over its (already described and column-checked) source. */
export async function featureViewStats(conn: DuckDBConnection, input: FeatureStatsInput): Promise<FeatureViewStats> {
  const { view, keys, source } = input;
  const ts = q(view.source.timestampField);
  await conn.run("SET TimeZone = 'UTC'");
  let offline: FeatureViewStats['offline'];
  try {
    const keyTuple = keys.length === 1 ? q(keys[0]) : `(${keys.map(q).join(', ')})`;
    const row = (await conn.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT ${keyTuple}) AS e, min(TRY_CAST(${ts} AS TIMESTAMPTZ)) AS lo, max(TRY_CAST(${ts} AS TIMESTAMPTZ)) AS hi FROM ${source.relation}`)).getRowObjectsJS()[0];
    offline = { rows: Number(row.n), entities: Number(row.e), earliestEventTime: iso(row.lo), latestEventTime: iso(row.hi) };
  } catch (err) {
    throw translateDuckDbError(err, source.file);
  }
  const features = await profileFeatures(conn, view, source);
  const latestMs = Math.max(offline.latestEventTime ? Date.parse(offline.latestEventTime) : -Infinity, input.online.latestEventTime ?? -Infinity);
  const latest = Number.isFinite(latestMs) ? latestMs : null;
  const ageSeconds = latest === null ? null : Math.max(0, Math.floor((input.now - latest) / 1000));
  return {
    view: view.name,
    version: view.version,
    source: input.sourceLabel,
    offline,
    online: { entities: input.online.entities, latestEventTime: input.online.latestEventTime === null ? null : new Date(input.online.latestEventTime).toISOString() },
    materialization: input.materialization,
    freshness: {
      latestEventTime: latest === null ? null : new Date(latest).toISOString(),
      ageSeconds,
      ttlSeconds: view.ttlSeconds,
      stale: view.ttlSeconds === null ? false : ageSeconds === null ? null : ageSeconds > view.ttlSeconds,
    },
    features,
  };
}

async function profileFeatures(conn: DuckDBConnection, view: RegisteredFeatureView, source: DescribedSource): Promise<FeatureProfile[]> {
  const dir = await makeTempDir('featurestats');
  try {
    const file = join(dir, 'features.parquet');
    const select = view.features.map((f) => `CAST(${q(f.name)} AS ${duckTypeOf(f.type)}) AS ${q(f.name)}`).join(', ');
    try {
      await conn.run(`COPY (SELECT ${select} FROM ${source.relation}) TO ${quoteLiteral(file)} (FORMAT parquet)`);
    } catch (err) {
      throw translateDuckDbError(err, source.file);
    }
    const profile = await profileSource(file, {}, { correlation: false });
    return view.features.map((f) => {
      const c = profile.columns.find((x) => x.name === f.name);
      if (!c) return { name: f.name, type: f.type, count: 0, missing: profile.rows, missingFraction: profile.rows ? 1 : 0, distinct: 0, min: null, max: null, mean: null, std: null, quantiles: null, topCategories: null };
      return { name: f.name, type: f.type, count: c.count, missing: c.missing, missingFraction: c.missingFraction, distinct: c.distinct, min: c.min, max: c.max, mean: c.mean, std: c.std, quantiles: c.quantiles, topCategories: c.topCategories };
    });
  } finally {
    await removeTempPath(dir);
  }
}
