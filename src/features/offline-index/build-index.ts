/**
 * Builds one feature view's offline index (layout: index-layout.ts) from its source, streaming DuckDB chunks
 * with bounded memory. Three passes: (1) on the narrow projection (keys, times, source row number), DuckDB
 * picks the winner of each (keys, event time) exactly as the point-in-time join does (greatest created time,
 * then the later source row) into a temp table; (2) the winners, sorted by (keys, event time), become the key
 * groups, event times and value-row numbers; (3) one scan of the source in file order writes the winners'
 * feature values as fixed-width rows. Pass 3 re-checks each winner's keys and event time against pass 2, so
 * a source whose row order were to differ between scans fails the build instead of misplacing values.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { DuckDBConnection, DuckDBVector } from '@duckdb/node-api';
import { InternalError, UsageError } from '../../core/errors.js';
import type { DescribedSource } from '../../data/io/describe-source.js';
import { translateDuckDbError } from '../../data/io/duckdb-error.js';
import { quoteIdentifier as q } from '../../data/io/sql-quote.js';
import type { FeatureType, FeatureViewDefinition } from '../definitions.js';
import { checkTimestamps } from '../point-in-time-join.js';
import { COMPARED_TIME, comparedKey, comparedRows, eventTime, keyText, winnerWindow } from '../source-row-identity.js';
import type { IndexedFeature, IndexManifest, SourceFingerprint } from './index-layout.js';
import { INDEX_FILES, INDEX_FORMAT_VERSION, rowLayout } from './index-layout.js';

/** What to index and where. */
export interface BuildIndexRequest {
  readonly project: string;
  readonly view: FeatureViewDefinition;
  readonly keys: readonly string[];
  readonly source: DescribedSource;
  /** An empty folder (the store's temp build folder). */
  readonly dir: string;
  readonly definitionHash: string;
  readonly fingerprint: SourceFingerprint;
  /** Called as source rows are written: rows so far, and the expected total when known. */
  readonly onProgress?: (rows: number, total: number | undefined) => void;
}

const WINNERS = 'kiln_idx_winners';
const BUFFER_BYTES = 4 * 1024 * 1024;

/** Build the index of `req.view` into `req.dir`; returns its manifest (written last). */
export async function buildOfflineIndex(conn: DuckDBConnection, req: BuildIndexRequest): Promise<IndexManifest> {
  if (endianness() !== 'LE') throw new UsageError('offline indexes are written on little-endian hosts only; training sets scan the sources here');
  const started = performance.now();
  const { view, keys, source } = req;
  await conn.run("SET TimeZone = 'UTC'");
  try {
    const numbered = `(SELECT *, row_number() OVER () AS __kiln_ord FROM ${source.relation})`;
    await checkTimestamps(conn, numbered, view.source.timestampField, '__kiln_ord', source.file, `feature view '${view.name}': source row`);
    // The same window as the scan join (source-row-identity.ts): one entry per (keys, event time) as compared.
    const { partition, order } = winnerWindow(view, keys, source);
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE ${WINNERS} AS SELECT ${keys.map((_, i) => comparedKey(i)).join(', ')}, epoch_us(${COMPARED_TIME}) AS __kiln_t, __kiln_ord ` +
        `FROM ${comparedRows(view, keys, source, numbered)} QUALIFY row_number() OVER (${partition} ORDER BY ${order}) = 1`,
    );
    const [[entriesRaw, maxOrdRaw]] = (await conn.runAndReadAll(`SELECT count(*), coalesce(max(__kiln_ord), 0) FROM ${WINNERS}`)).getRowsJS();
    const entries = Number(entriesRaw);
    if (entries >= 2 ** 32) throw new InternalError(`feature view '${view.name}' has ${entries} distinct (keys, event time) rows; the offline index holds at most 4,294,967,295`);
    // Value rows are numbered in source order, so pass 3 appends them in the order the scan yields them.
    const vrowOfOrd = new Int32Array(Number(maxOrdRaw) + 1).fill(-1);
    let next = 0;
    for await (const chunk of await conn.stream(`SELECT __kiln_ord FROM ${WINNERS} ORDER BY __kiln_ord`)) {
      const ords = chunk.getColumnVector(0);
      for (let i = 0; i < chunk.rowCount; i++) vrowOfOrd[Number(ords.getItem(i) as bigint)] = next++;
    }
    const { groupOfVrow, timeOfVrow, groupKeys, checksums } = await writeEntries(conn, req, vrowOfOrd, entries);
    const layout = rowLayout(view.features);
    const written = await writeValues(conn, req, layout, vrowOfOrd, groupOfVrow, timeOfVrow, groupKeys);
    const manifest: IndexManifest = {
      formatVersion: INDEX_FORMAT_VERSION,
      project: req.project,
      view: view.name,
      definitionHash: req.definitionHash,
      source: req.fingerprint,
      keys,
      features: layout.features,
      rowWidth: layout.rowWidth,
      bitmapBytes: layout.bitmapBytes,
      groups: groupKeys.length,
      entries,
      valueRows: entries,
      stringBytes: written.stringBytes,
      sourceRows: written.sourceRows,
      checksums,
      builtAt: new Date().toISOString(),
      buildSeconds: (performance.now() - started) / 1000,
    };
    const fd = openSync(join(req.dir, INDEX_FILES.manifest), 'w');
    try {
      writeSync(fd, `${JSON.stringify(manifest, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return manifest;
  } catch (err) {
    throw translateDuckDbError(err, source.file);
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${WINNERS}`).catch(() => undefined);
  }
}

/** Pass 2: key groups (keys.txt, groups.bin), event times and value rows of the sorted winners. */
async function writeEntries(conn: DuckDBConnection, req: BuildIndexRequest, vrowOfOrd: Int32Array, entries: number): Promise<{ groupOfVrow: Int32Array; timeOfVrow: BigInt64Array; groupKeys: string[]; checksums: IndexManifest['checksums'] }> {
  const keysOut = new FileAppender(join(req.dir, INDEX_FILES.keys));
  const groupsOut = new FileAppender(join(req.dir, INDEX_FILES.groups));
  const timesOut = new FileAppender(join(req.dir, INDEX_FILES.times));
  const rowsOut = new FileAppender(join(req.dir, INDEX_FILES.rows));
  const groupOfVrow = new Int32Array(entries);
  const timeOfVrow = new BigInt64Array(entries);
  const groupKeys: string[] = [];
  const files = [keysOut, groupsOut, timesOut, rowsOut];
  try {
    const nk = req.keys.length;
    const order = [...req.keys.map((_, i) => comparedKey(i)), '__kiln_t', '__kiln_ord'].join(', ');
    let previous: string | null = null;
    let entry = 0;
    const u32 = Buffer.alloc(4);
    const i64 = Buffer.alloc(8);
    for await (const chunk of await conn.stream(`SELECT ${order} FROM ${WINNERS} ORDER BY ${order}`)) {
      const keyVecs = Array.from({ length: nk }, (_, i) => chunk.getColumnVector(i));
      const tVec = chunk.getColumnVector(nk);
      const ordVec = chunk.getColumnVector(nk + 1);
      for (let i = 0; i < chunk.rowCount; i++, entry++) {
        const key = JSON.stringify(keyVecs.map((v) => v.getItem(i)));
        if (key !== previous) {
          u32.writeUInt32LE(entry);
          groupsOut.append(u32);
          keysOut.append(Buffer.from(`${key}\n`));
          groupKeys.push(key);
          previous = key;
        }
        const t = tVec.getItem(i) as bigint;
        const vrow = vrowOfOrd[Number(ordVec.getItem(i) as bigint)];
        i64.writeBigInt64LE(t);
        timesOut.append(i64);
        u32.writeUInt32LE(vrow);
        rowsOut.append(u32);
        groupOfVrow[vrow] = groupKeys.length - 1;
        timeOfVrow[vrow] = t;
      }
    }
    u32.writeUInt32LE(entry);
    groupsOut.append(u32);
    for (const f of files) f.finish();
    return { groupOfVrow, timeOfVrow, groupKeys, checksums: { keys: keysOut.crc, groups: groupsOut.crc, times: timesOut.crc, rows: rowsOut.crc } };
  } finally {
    for (const f of files) f.close();
  }
}

/** The SQL that reads a feature as the value the index stores (the training set's cast; timestamps as epoch µs). */
function valueExpr(name: string, type: FeatureType): string {
  const cast: Record<FeatureType, string> = { float64: 'DOUBLE', float32: 'FLOAT', int64: 'BIGINT', int32: 'INTEGER', string: 'VARCHAR', bool: 'BOOLEAN', timestamp: 'TIMESTAMPTZ' };
  const c = `CAST(${q(name)} AS ${cast[type]})`;
  return type === 'timestamp' ? `epoch_us(${c})` : c;
}

/** Pass 3: every winner's feature values as a fixed-width row, in source order. */
async function writeValues(
  conn: DuckDBConnection,
  req: BuildIndexRequest,
  layout: ReturnType<typeof rowLayout>,
  vrowOfOrd: Int32Array,
  groupOfVrow: Int32Array,
  timeOfVrow: BigInt64Array,
  groupKeys: readonly string[],
): Promise<{ stringBytes: number; sourceRows: number }> {
  const { view, keys, source } = req;
  const valuesOut = new FileAppender(join(req.dir, INDEX_FILES.values));
  const stringsOut = new FileAppender(join(req.dir, INDEX_FILES.strings));
  const features = layout.features;
  const width = layout.rowWidth;
  const total = source.estimatedRows;
  try {
    const keyCols = keys.map((k) => keyText(k, source)).join(', ');
    const sqlText = `SELECT row_number() OVER () AS __kiln_ord, ${keyCols}, epoch_us(${eventTime(view.source.timestampField)}), ${features.map((f) => valueExpr(f.name, f.type)).join(', ')} FROM ${source.relation}`;
    let expected = 0;
    let sourceRows = 0;
    let stringBytes = 0;
    const nk = keys.length;
    const first = nk + 2;
    // Not pooled (large), so byteOffset is 0 and typed-array views of it are aligned.
    const rowBuf = Buffer.alloc(2048 * width);
    const views = typedViews(rowBuf);
    for await (const chunk of await conn.stream(sqlText)) {
      const n = chunk.rowCount;
      const ordVec = chunk.getColumnVector(0);
      const keyVecs = Array.from({ length: nk }, (_, i) => chunk.getColumnVector(i + 1));
      const tVec = chunk.getColumnVector(nk + 1);
      const vecs: DuckDBVector[] = features.map((_, j) => chunk.getColumnVector(first + j));
      // Rows of this chunk that are winners, and their value rows (consecutive: the scan runs in source order).
      const picked: number[] = [];
      for (let i = 0; i < n; i++) {
        const ord = Number(ordVec.getItem(i) as bigint);
        const vrow = ord < vrowOfOrd.length ? vrowOfOrd[ord] : -1;
        if (vrow < 0) continue;
        if (vrow !== expected) throw new InternalError(`offline index of '${view.name}': source rows came out of order (value row ${vrow}, expected ${expected})`);
        const key = JSON.stringify(keyVecs.map((v) => v.getItem(i)));
        if (key !== groupKeys[groupOfVrow[vrow]] || (tVec.getItem(i) as bigint) !== timeOfVrow[vrow]) {
          throw new InternalError(`offline index of '${view.name}': source row ${ord} differs between two scans of ${source.file}; the source changed while it was indexed`);
        }
        picked.push(i);
        expected++;
      }
      if (picked.length > 0) {
        const buf = rowBuf.subarray(0, picked.length * width).fill(0);
        for (let j = 0; j < features.length; j++) encodeColumn(features[j], vecs[j], picked, buf, views, width, j, (bytes) => {
          const at = stringBytes;
          stringsOut.append(bytes);
          stringBytes += bytes.length;
          return at;
        });
        const firstVrow = expected - picked.length;
        for (let p = 0; p < picked.length; p++) buf.writeUInt32LE(crc32(buf.subarray(p * width + 4, (p + 1) * width), firstVrow + p), p * width);
        valuesOut.append(buf);
      }
      sourceRows += n;
      req.onProgress?.(sourceRows, total);
    }
    if (expected !== groupOfVrow.length) throw new InternalError(`offline index of '${view.name}': the source scan yielded ${expected} of ${groupOfVrow.length} indexed rows; the source changed while it was indexed`);
    valuesOut.finish();
    stringsOut.finish();
    return { stringBytes, sourceRows };
  } finally {
    valuesOut.close();
    stringsOut.close();
  }
}

/** Typed views of a whole (8-aligned) row buffer. */
interface TypedViews {
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;
  readonly f32: Float32Array;
  readonly i32: Int32Array;
}

function typedViews(buf: Buffer): TypedViews {
  const n = buf.length;
  return { f64: new Float64Array(buf.buffer, buf.byteOffset, n >> 3), i64: new BigInt64Array(buf.buffer, buf.byteOffset, n >> 3), f32: new Float32Array(buf.buffer, buf.byteOffset, n >> 2), i32: new Int32Array(buf.buffer, buf.byteOffset, n >> 2) };
}

/** Write column `j` (feature `f`) of the picked chunk rows into their value rows in `buf` (nulls: bitmap bit set). */
function encodeColumn(f: IndexedFeature, vec: DuckDBVector, picked: readonly number[], buf: Buffer, views: TypedViews, width: number, j: number, putString: (bytes: Buffer) => number): void {
  const bit = 1 << (j & 7);
  const byte = 4 + (j >> 3);
  for (let p = 0; p < picked.length; p++) {
    const base = p * width;
    const v = vec.getItem(picked[p]);
    if (v === null) {
      buf[base + byte] |= bit;
      continue;
    }
    const at = base + f.offset;
    switch (f.type) {
      case 'float64':
        views.f64[at >> 3] = v as number;
        break;
      case 'float32':
        views.f32[at >> 2] = v as number;
        break;
      case 'int32':
        views.i32[at >> 2] = v as number;
        break;
      case 'int64':
      case 'timestamp':
        views.i64[at >> 3] = v as bigint;
        break;
      case 'bool':
        buf[at] = v === true ? 1 : 0;
        break;
      case 'string': {
        const bytes = Buffer.from(v as string, 'utf8');
        views.f64[at >> 3] = putString(bytes);
        buf.writeUInt32LE(bytes.length, at + 8);
        buf.writeUInt32LE(crc32(bytes), at + 12);
        break;
      }
    }
  }
}

/** Appends to a new file through a 4 MiB buffer, keeping its CRC-32; `finish` flushes and syncs it. */
class FileAppender {
  /** CRC-32 of everything appended so far. */
  crc = 0;
  private readonly fd: number;
  private readonly buf = Buffer.alloc(BUFFER_BYTES);
  private used = 0;
  private closed = false;

  constructor(path: string) {
    this.fd = openSync(path, 'wx');
  }

  append(bytes: Uint8Array): void {
    this.crc = crc32(bytes, this.crc);
    if (bytes.length > BUFFER_BYTES - this.used) this.flush();
    if (bytes.length > BUFFER_BYTES) {
      writeAll(this.fd, bytes);
      return;
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  finish(): void {
    this.flush();
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.used > 0) writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}
