/**
 * The point-in-time join behind training sets, on DuckDB. For every entity row and its timestamp, each
 * feature view contributes the latest source row of the same join keys whose event time is at or before
 * the entity timestamp (never after: no label leakage), and only when that row is within the view's TTL
 * (`entity_ts - event_ts <= ttl`, inclusive). Several source rows at the same event time are one
 * logical row: the greatest created timestamp wins, then the later row in the source file. "Same keys" and
 * "same event time" mean the same values as cast for comparison (source-row-identity.ts), however spelled.
 *
 * Each view is an `ASOF LEFT JOIN` on a narrow projection (keys, event time, source row number) into a
 * temporary table of matches, whose feature columns are then read in one parallel pass joined by (keys,
 * event time) (sorting the wide rows to de-duplicate them cost ~4x; numbering them serializes the scan);
 * the output is those tables joined back
 * in entity order and written by DuckDB's `COPY` to a temp sibling of the
 * output, renamed into place. DuckDB spills to disk past its memory limit, so memory stays bounded.
 *
 * A view with a fresh offline index (offline-index/) skips its ASOF join: its table of matches is filled from
 * the index (same shape, same values); when every view came that way, the tables are zipped to the entity rows
 * by position instead of joined and sorted. A damaged index falls back to the join for that view.
 */
import type { KeyValueType } from './join-key-types.js';
import { keyColumnFits } from './source-columns.js';
import { rename } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../core/errors.js';
import type { DescribedSource } from '../data/io/describe-source.js';
import { translateDuckDbError } from '../data/io/duckdb-error.js';
import { quoteIdentifier as q, quoteLiteral } from '../data/io/sql-quote.js';
import { removeTempPath, tempSibling, trackTempPath } from '../data/io/temp-space.js';
import type { FeatureDefinition, FeatureViewDefinition } from './definitions.js';
import type { OnDemandPart } from './on-demand-training.js';
import { computeOnDemandTable } from './on-demand-training.js';
import { duckTypeOf } from './source-columns.js';
import { COMPARED_TIME, comparedKey, comparedRows, eventTime, keyText, winnerWindow } from './source-row-identity.js';
import type { EntityRowsForIndex } from './offline-index/index-join.js';
import { joinViewFromIndex, readEntityRows } from './offline-index/index-join.js';
import type { OfflineIndexReader } from './offline-index/read-index.js';
import { OfflineIndexCorruptError } from './offline-index/read-index.js';

/** One view's part of a training set. */
export interface PointInTimeView {
  readonly view: FeatureViewDefinition;
  /** Join keys (columns of both the source and the entities file). */
  readonly keys: readonly string[];
  /** The view's features the output needs, in output order. */
  readonly features: readonly FeatureDefinition[];
  readonly source: DescribedSource;
  /** The view's fresh offline index, when it has one: read instead of scanning the source. */
  readonly index?: OfflineIndexReader;
  /** Declared value types of the join keys (`keyValueTypes`): int64 keys need integer columns in the entities file too. */
  readonly keyTypes?: ReadonlyMap<string, KeyValueType>;
}

/** How one view's values were read: from its offline index, or by scanning its source (with why). */
export interface ViewReadPath {
  readonly view: string;
  readonly path: 'index' | 'scan';
  /** Why the source was scanned (no index, stale, corrupt); absent for the index path. */
  readonly reason?: string;
}

/** What to join and where to write it. */
export interface PointInTimeRequest {
  readonly entities: DescribedSource;
  readonly timestampColumn: string;
  readonly views: readonly PointInTimeView[];
  readonly out: string;
  readonly format: 'csv' | 'parquet';
  /** Feature columns computed only as on-demand inputs: joined, not written. */
  readonly hidden?: ReadonlySet<string>;
  /** On-demand features, written after the view features. */
  readonly onDemand?: readonly OnDemandPart[];
  /** Called after each step (loading entities, each view, writing), `done` of `total`. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The written output. */
export interface PointInTimeResult {
  readonly rows: number;
  readonly columns: readonly string[];
  /** Which path each view took (index views only say `scan` when their index turned out damaged). */
  readonly paths: readonly ViewReadPath[];
}

const ROW = '__kiln_row';
const TS = '__kiln_ts';
const keyCol = (k: string): string => q(`__kiln_k_${k}`);

/** Output column of a feature: `view__feature`. */
export function featureColumn(view: string, feature: string): string {
  return `${view}__${feature}`;
}

/** Build the training set described by `req` on `conn` (a connection of its own: it creates temp tables). */
export async function writePointInTime(conn: DuckDBConnection, req: PointInTimeRequest): Promise<PointInTimeResult> {
  const total = req.views.length + 2;
  const entityFile = req.entities.file;
  checkEntityColumns(req);
  await conn.run("SET TimeZone = 'UTC'");
  const tables: string[] = [];
  const tmp = tempSibling(req.out);
  const untrack = trackTempPath(tmp);
  try {
    await run(conn, `CREATE OR REPLACE TEMP TABLE kiln_pit_e AS SELECT *, row_number() OVER () AS ${ROW} FROM ${req.entities.relation}`, entityFile);
    tables.push('kiln_pit_e');
    await checkTimestamps(conn, 'kiln_pit_e', req.timestampColumn, ROW, entityFile, 'entity row');
    const allKeys = [...new Set(req.views.flatMap((v) => v.keys))];
    await run(
      conn,
      `CREATE OR REPLACE TEMP TABLE kiln_pit_ek AS SELECT ${ROW}, ${eventTime(req.timestampColumn)} AS ${TS}${allKeys.map((k) => `, ${keyText(k, req.entities)} AS ${keyCol(k)}`).join('')} FROM kiln_pit_e`,
      entityFile,
    );
    tables.push('kiln_pit_ek');
    req.onProgress?.(1, total);
    const indexed = req.views.filter((p) => p.index !== undefined);
    const entityRows = indexed.length > 0 ? await readEntityRows(conn, 'kiln_pit_ek', ROW, TS, [...new Set(indexed.flatMap((p) => p.keys))], keyCol) : null;
    const paths: ViewReadPath[] = [];
    for (const [i, part] of req.views.entries()) {
      const table = `kiln_pit_f${i}`;
      tables.push(table);
      paths.push(await joinViewSomehow(conn, part, table, entityRows));
      req.onProgress?.(i + 2, total);
    }
    const hidden = req.hidden ?? new Set<string>();
    const columns = req.views.flatMap((part) => part.features.map((f) => featureColumn(part.view.name, f.name))).filter((c) => !hidden.has(c));
    const select = [`e.* EXCLUDE (${ROW})`, ...req.views.flatMap((part, i) => part.features.filter((f) => !hidden.has(featureColumn(part.view.name, f.name))).map((f) => `f${i}.${q(featureColumn(part.view.name, f.name))}`))].join(', ');
    const joins = req.views.map((_, i) => ` JOIN kiln_pit_f${i} f${i} ON f${i}.${ROW} = e.${ROW}`).join('');
    const options = req.format === 'parquet' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT csv, HEADER true';
    if (req.onDemand && req.onDemand.length > 0) {
      // Every view feature (hidden inputs too) in one table, then the derived columns joined by row number.
      const all = req.views.flatMap((part, i) => part.features.map((f) => `f${i}.${q(featureColumn(part.view.name, f.name))}`)).join(', ');
      await run(conn, `CREATE OR REPLACE TEMP TABLE kiln_pit_o AS SELECT e.*${all ? `, ${all}` : ''} FROM kiln_pit_e e${joins}`, req.out);
      tables.push('kiln_pit_o');
      tables.push('kiln_pit_d');
      let derived: string[];
      try {
        derived = await computeOnDemandTable(conn, 'kiln_pit_o', ROW, req.onDemand, 'kiln_pit_d');
      } catch (err) {
        throw translateDuckDbError(err, entityFile);
      }
      const visible = [...req.entities.columns.map((c) => c.name), ...columns].map((c) => `o.${q(c)}`);
      await run(conn, `COPY (SELECT ${[...visible, ...derived.map((c) => `d.${q(c)}`)].join(', ')} FROM kiln_pit_o o JOIN kiln_pit_d d ON d.${ROW} = o.${ROW} ORDER BY o.${ROW}) TO ${quoteLiteral(tmp)} (${options})`, req.out);
      columns.push(...derived);
    } else if (await inEntityOrder(conn, paths)) {
      // Every view came from its index, one row per entity row in entity order: zip the tables, no join, no sort.
      const zipped = req.views.map((_, i) => ` POSITIONAL JOIN kiln_pit_f${i} f${i}`).join('');
      await run(conn, `COPY (SELECT ${select} FROM kiln_pit_e e${zipped}) TO ${quoteLiteral(tmp)} (${options})`, req.out);
    } else {
      await run(conn, `COPY (SELECT ${select} FROM kiln_pit_e e${joins} ORDER BY e.${ROW}) TO ${quoteLiteral(tmp)} (${options})`, req.out);
    }
    const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM kiln_pit_e')).getRowsJS()[0][0]);
    await rename(tmp, req.out);
    untrack();
    req.onProgress?.(total, total);
    return { rows, columns: [...req.entities.columns.map((c) => c.name), ...columns], paths };
  } catch (err) {
    await removeTempPath(tmp);
    throw err;
  } finally {
    for (const t of tables.reverse()) await conn.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  }
}

/** Whether every view's table came from an index and lines up row for row with the entity table (checked, it is cheap). */
async function inEntityOrder(conn: DuckDBConnection, paths: readonly ViewReadPath[]): Promise<boolean> {
  if (paths.length === 0 || paths.some((p) => p.path !== 'index')) return false;
  for (let i = 0; i < paths.length; i++) {
    const off = (await conn.runAndReadAll(`SELECT count(*) FROM kiln_pit_e e POSITIONAL JOIN kiln_pit_f${i} f WHERE e.${ROW} IS DISTINCT FROM f.${ROW}`)).getRowsJS()[0][0];
    if (Number(off) !== 0) return false;
  }
  return true;
}

/** One view from its index when it has one (scanning the source when the index turns out damaged), else by scan. */
async function joinViewSomehow(conn: DuckDBConnection, part: PointInTimeView, table: string, entityRows: EntityRowsForIndex | null): Promise<ViewReadPath> {
  if (part.index === undefined || entityRows === null) {
    await joinView(conn, part, table);
    return { view: part.view.name, path: 'scan' };
  }
  try {
    const features = part.features.map((f) => f.name);
    await joinViewFromIndex(conn, part.index, entityRows, { keys: part.keys, ttlSeconds: part.view.ttlSeconds, features, columns: features.map((f) => featureColumn(part.view.name, f)) }, table, ROW);
    return { view: part.view.name, path: 'index' };
  } catch (err) {
    if (!(err instanceof OfflineIndexCorruptError)) throw err;
    await joinView(conn, part, table);
    return { view: part.view.name, path: 'scan', reason: `index damaged: ${err.message}` };
  } finally {
    part.index.close();
  }
}

function checkEntityColumns(req: PointInTimeRequest): void {
  const names = req.entities.columns.map((c) => c.name);
  const file = req.entities.file;
  if (!names.includes(req.timestampColumn)) {
    throw new InputError(
      `the entities file has no timestamp column '${req.timestampColumn}' (it has ${names.slice(0, 20).join(', ')})`,
      { file, column: req.timestampColumn },
      'Add the event time of each row as that column, or name the column with --timestamp-column.',
    );
  }
  for (const part of req.views) {
    for (const k of part.keys) {
      if (!names.includes(k)) throw new InputError(`the entities file has no join key column '${k}' needed by feature view '${part.view.name}'`, { file, column: k }, 'Add the join keys of every entity of the feature service.');
      const type = req.entities.columns.find((c) => c.name === k)?.duckType ?? '';
      if (!keyColumnFits(part.keyTypes?.get(k), type)) throw new InputError(`the entities file's join key column '${k}' is ${type}, but its entity declares valueType int64`, { file, column: k }, 'Make the column hold integers (no other text), or drop valueType from the entity.');
    }
    for (const f of part.features) {
      const col = featureColumn(part.view.name, f.name);
      if (names.includes(col)) throw new InputError(`the entities file already has a column '${col}', the name of a feature column`, { file, column: col }, 'Rename or drop that column.');
    }
  }
  for (const part of req.onDemand ?? []) {
    for (const input of part.inputs) {
      if (input.view === undefined && !names.includes(input.column)) throw new InputError(`the entities file has no column '${input.column}', a request field of on-demand feature view '${part.odfv.name}'`, { file, column: input.column }, 'Add the request fields of the on-demand features as columns of the entities file.');
    }
    for (const f of part.features) {
      const col = featureColumn(part.odfv.name, f);
      if (names.includes(col)) throw new InputError(`the entities file already has a column '${col}', the name of a feature column`, { file, column: col }, 'Rename or drop that column.');
    }
  }
  const reserved = names.find((n) => n.startsWith('__kiln_'));
  if (reserved !== undefined) throw new InputError(`the entities file has a column '${reserved}'; names starting with __kiln_ are reserved`, { file, column: reserved });
}

/** Every row needs a parseable, non-null time: a row that cannot be placed in time cannot be joined honestly. */
export async function checkTimestamps(conn: DuckDBConnection, table: string, column: string, order: string, file: string, what: string): Promise<void> {
  const c = q(column);
  const bad = (await conn.runAndReadAll(`SELECT CAST(${c} AS VARCHAR) AS v, ${order} AS r FROM ${table} WHERE ${c} IS NULL OR TRY_CAST(${c} AS TIMESTAMPTZ) IS NULL ORDER BY ${order} LIMIT 1`)).getRowObjectsJS();
  if (bad.length === 0) return;
  const row = Number(bad[0].r);
  const value = bad[0].v === null ? 'an empty value' : JSON.stringify(String(bad[0].v).slice(0, 60));
  throw new InputError(
    `${what} ${row} of "${file}" has ${value} in timestamp column '${column}', which is not a timestamp`,
    { file, row, column },
    'Write timestamps as ISO-8601 (2026-01-31T12:00:00Z or 2026-01-31 12:00:00, UTC unless an offset is given).',
  );
}

/**
 * One view's part: the winning source row per (keys, event time) and the ASOF match are chosen on a
 * narrow projection (keys, times, row number), so no sort ever carries the feature columns. The wide
 * columns are then read once. A winner alone at its (keys, event time) — nearly every one — is fetched by a
 * hash join on (keys, event time) whose build side is the (at most one per entity row) matches, which runs
 * on every thread; only winners sharing their event time with other rows need the source's row numbers,
 * whose window serializes the scan, so that pass runs only when there are such winners.
 */
async function joinView(conn: DuckDBConnection, part: PointInTimeView, table: string): Promise<void> {
  const { view, keys, features, source } = part;
  const file = source.file;
  const tsField = view.source.timestampField;
  // Row numbers follow file order (DuckDB preserves insertion order), the same in every scan of the source.
  const numbered = `(SELECT *, row_number() OVER () AS __kiln_ord FROM ${source.relation})`;
  const narrow = `${table}_m`;
  const wide = `${table}_w`;
  try {
    await checkTimestamps(conn, numbered, view.source.timestampField, '__kiln_ord', file, `feature view '${view.name}': source row`);
    // One row per (keys, event time) as the join and the fetch below compare them, not as the source spells them.
    const { partition, order } = winnerWindow(view, keys, source);
    const latest =
      `SELECT ${keys.map((k, i) => `${comparedKey(i)} AS ${keyCol(k)}`).join(', ')}, ${COMPARED_TIME} AS __kiln_fts, __kiln_ord, count(*) OVER (${partition}) AS __kiln_n ` +
      `FROM ${comparedRows(view, keys, source, numbered)} QUALIFY row_number() OVER (${partition} ORDER BY ${order}) = 1`;
    const within = view.ttlSeconds === null ? 'f.__kiln_fts IS NOT NULL' : `epoch_us(e.${TS}) - epoch_us(f.__kiln_fts) <= ${view.ttlSeconds * 1_000_000}`;
    const on = [...keys.map((k) => `e.${keyCol(k)} = f.${keyCol(k)}`), `e.${TS} >= f.__kiln_fts`].join(' AND ');
    const hitKeys = keys.map((k) => `CASE WHEN ${within} THEN f.${keyCol(k)} END AS ${keyCol(k)}`).join(', ');
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE ${narrow} AS SELECT e.${ROW}, CASE WHEN ${within} THEN f.__kiln_ord END AS __kiln_hit, ` +
        `CASE WHEN ${within} THEN f.__kiln_fts END AS __kiln_fts, CASE WHEN ${within} THEN f.__kiln_n END AS __kiln_n, ${hitKeys} ` +
        `FROM kiln_pit_ek e ASOF LEFT JOIN (${latest}) f ON ${on}`,
    );
    const values = features.map((f) => `CAST(s.${q(f.name)} AS ${duckTypeOf(f.type)}) AS ${q(featureColumn(view.name, f.name))}`).join(', ');
    const columns = features.map((f) => q(featureColumn(view.name, f.name)));
    // Unique winners: the source row is the only one at its (keys, event time), found by value. The matches are
    // the build side (inner join, smaller input), the source the probe: one parallel pass over the wide rows.
    const byValue = [...keys.map((k) => `m.${keyCol(k)} = ${keyText(k, source, 's')}`), `m.__kiln_fts = ${eventTime(tsField, 's')}`].join(' AND ');
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${wide} AS SELECT m.${ROW}, ${values} FROM ${source.relation} s JOIN (SELECT * FROM ${narrow} WHERE __kiln_n = 1) m ON ${byValue}`);
    const shared = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${narrow} WHERE __kiln_n > 1`)).getRowsJS()[0][0]);
    if (shared > 0) {
      // Winners among several rows at the same event time: only their source row numbers tell them apart.
      const dup = `SELECT * FROM ${numbered} WHERE __kiln_ord IN (SELECT __kiln_hit FROM ${narrow} WHERE __kiln_n > 1)`;
      await conn.run(`INSERT INTO ${wide} SELECT m.${ROW}, ${values} FROM (SELECT * FROM ${narrow} WHERE __kiln_n > 1) m JOIN (${dup}) s ON s.__kiln_ord = m.__kiln_hit`);
    }
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT m.${ROW}, ${columns.map((c) => `w.${c}`).join(', ')} FROM ${narrow} m LEFT JOIN ${wide} w ON w.${ROW} = m.${ROW}`);
  } catch (err) {
    throw translateDuckDbError(err, file);
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${narrow}`).catch(() => undefined);
    await conn.run(`DROP TABLE IF EXISTS ${wide}`).catch(() => undefined);
  }
}

async function run(conn: DuckDBConnection, sqlText: string, file: string): Promise<void> {
  try {
    await conn.run(sqlText);
  } catch (err) {
    throw translateDuckDbError(err, file);
  }
}
