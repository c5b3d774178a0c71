/**
 * Generates the feature-store bench sources (issue #13) into a directory that is kept and reused: V Parquet views
 * (E entities x N versions, F float64 features each) and the entity table. Files that already exist are skipped,
 * so an interrupted run resumes. Same data as bench/features/training-set-bench.ts generates in its temp dir.
 *
 *   npx tsx bench/features/generate-sources.ts DIR [--entities 17000] [--views 10] [--features 100] [--versions 100]
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { withDuckDb } from '../../src/data/io/duckdb-session.js';

/** Writes the bench sources into `dir` unless present; returns the seconds spent. */
export async function generateSources(dir: string, e: number, v: number, f: number, n: number): Promise<number> {
  const start = performance.now();
  const t0 = Date.UTC(2025, 0, 1) / 1000;
  mkdirSync(dir, { recursive: true });
  await withDuckDb(async (conn) => {
    for (let view = 0; view < v; view++) {
      const target = join(dir, `v${view}.parquet`);
      if (existsSync(target)) continue;
      const cols = Array.from({ length: f }, (_, k) => `hash(i * ${f} + ${k} + ${view}) % 100000 / 100.0 AS f${k}`).join(', ');
      // Version k of entity e at T0 + k days + a per-view offset: different views, different timestamps.
      await conn.run(
        `COPY (SELECT i % ${e} AS entity_id, to_timestamp(${t0} + (i // ${e}) * 86400 + ${view * 3600}) AS ts, ${cols} FROM range(${e * n}) t(i)) TO '${target}.tmp' (FORMAT parquet)`,
      );
      renameSync(`${target}.tmp`, target); // a half-written file is never taken for a finished one
    }
    const entities = join(dir, 'entities.parquet');
    if (!existsSync(entities)) {
      await conn.run(`COPY (SELECT i AS entity_id, to_timestamp(${t0} + (hash(i) % ${n}) * 86400 + 43200) AS event_timestamp FROM range(${e}) t(i)) TO '${entities}.tmp' (FORMAT parquet)`);
      renameSync(`${entities}.tmp`, entities);
    }
  });
  return (performance.now() - start) / 1000;
}

if (process.argv[1]?.endsWith('generate-sources.ts')) {
  const arg = (name: string, dflt: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const dir = process.argv[2];
  if (!dir || dir.startsWith('--')) throw new Error('usage: generate-sources.ts DIR [--entities N] [--views N] [--features N] [--versions N]');
  const seconds = await generateSources(dir, arg('entities', 17_000), arg('views', 10), arg('features', 100), arg('versions', 100));
  console.log(`generated in ${seconds.toFixed(1)} s`);
}
