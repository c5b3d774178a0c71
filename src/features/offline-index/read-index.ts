/**
 * Reads one feature view's offline index (layout: index-layout.ts) for a training set: for each entity row,
 * the latest entry of its keys with event time <= the entity time (binary search in the key's group), kept
 * when within the TTL (inclusive); then the matched value rows are read with positional reads (runs of
 * nearby rows coalesced) and appended to a DuckDB temp table of (entity row, features). Every file is checked
 * when opened (sizes, CRC-32 of the narrow files) and every value row and string when read (their CRC-32):
 * a damaged index raises `OfflineIndexCorruptError`, and the caller falls back to scanning the source.
 */
import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type * as DuckDbApi from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { KilnError } from '../../core/errors.js';
import { loadDuckDb } from '../../data/io/duckdb-module.js';
import { quoteIdentifier as q } from '../../data/io/sql-quote.js';
import type { FeatureType } from '../definitions.js';
import { endianness } from 'node:os';
import type { IndexedFeature, IndexManifest } from './index-layout.js';
import { expectedSizes, INDEX_FILES } from './index-layout.js';

/** A damaged index file (truncated, bit-flipped, foreign): never read past; the view is scanned instead. */
export class OfflineIndexCorruptError extends KilnError {
  constructor(message: string, dir: string) {
    super('internal', message, { file: dir }, 'Rebuild it with `kiln features index VIEW`.');
  }
}

/** Rows of one DuckDB chunk appended at a time. */
const CHUNK_ROWS = 2048;
/** Matched rows at most this many rows apart are read in one positional read. */
const COALESCE_GAP_ROWS = 4;
/** Reads timed synchronously to tell a warm page cache from the disk. */
const PROBE_READS = 64;
/** Mean µs per probe read above which the cache is taken as cold (a cached 1 KiB pread takes a few µs). */
const COLD_READ_MICROS = 40;
/** Positional reads in flight at once on a cold cache (libuv's pool runs 4 by default). */
const READS_IN_FLIGHT = 16;

/** DuckDB's type of each feature type (the API module is passed in: it loads lazily, see duckdb-module.ts). */
function duckTypes(d: typeof DuckDbApi): Record<FeatureType, DuckDBType> {
  return { float64: d.DOUBLE, float32: d.FLOAT, int64: d.BIGINT, int32: d.INTEGER, string: d.VARCHAR, bool: d.BOOLEAN, timestamp: d.TIMESTAMPTZ };
}

/** An opened index: its narrow part in memory, its value and string files open for positional reads. */
export class OfflineIndexReader {
  private groupOf: Map<string, number>;
  private closed = false;
  /** How value rows are read: `auto` probes the page cache first; `serial` / `parallel` force one way (tests). */
  readMode: 'auto' | 'serial' | 'parallel' = 'auto';

  private constructor(
    readonly dir: string,
    readonly manifest: IndexManifest,
    private groups: Uint32Array,
    private times: BigInt64Array,
    private rows: Uint32Array,
    keyLines: readonly string[],
    private readonly valuesFd: number,
    private readonly stringsFd: number,
  ) {
    this.groupOf = new Map(keyLines.map((k, i) => [k, i]));
  }

  /** Open the build in `dir` described by `manifest`, checking every file's size and the narrow files' CRC-32. */
  static open(dir: string, manifest: IndexManifest): OfflineIndexReader {
    if (endianness() !== 'LE') throw new OfflineIndexCorruptError('offline indexes are read on little-endian hosts only', dir);
    if (manifest.rowWidth % 8 !== 0) throw new OfflineIndexCorruptError(`offline index ${dir}: row width ${manifest.rowWidth} is not a multiple of 8`, dir);
    const sizes = expectedSizes(manifest);
    const read = (file: keyof typeof sizes, name: string): Uint8Array => readWhole(join(dir, name), sizes[file], dir);
    const check = (bytes: Uint8Array, crc: number, name: string): void => {
      if (crc32(bytes) !== crc) throw new OfflineIndexCorruptError(`offline index file ${join(dir, name)} does not match its checksum`, dir);
    };
    const groupBytes = read('groups', INDEX_FILES.groups);
    check(groupBytes, manifest.checksums.groups, INDEX_FILES.groups);
    const timeBytes = read('times', INDEX_FILES.times);
    check(timeBytes, manifest.checksums.times, INDEX_FILES.times);
    const rowBytes = read('rows', INDEX_FILES.rows);
    check(rowBytes, manifest.checksums.rows, INDEX_FILES.rows);
    const keyPath = join(dir, INDEX_FILES.keys);
    const keyBytes = readWhole(keyPath, null, dir);
    check(keyBytes, manifest.checksums.keys, INDEX_FILES.keys);
    const keyLines = Buffer.from(keyBytes.buffer, keyBytes.byteOffset, keyBytes.byteLength).toString('utf8').split('\n');
    keyLines.pop();
    const groups = new Uint32Array(groupBytes.buffer, groupBytes.byteOffset, manifest.groups + 1);
    if (keyLines.length !== manifest.groups || groups[manifest.groups] !== manifest.entries) throw new OfflineIndexCorruptError(`offline index ${dir}: key groups do not add up`, dir);
    const valuesFd = openChecked(join(dir, INDEX_FILES.values), sizes.values, dir);
    let stringsFd: number;
    try {
      stringsFd = openChecked(join(dir, INDEX_FILES.strings), sizes.strings, dir);
    } catch (err) {
      closeSync(valuesFd);
      throw err;
    }
    return new OfflineIndexReader(dir, manifest, groups, new BigInt64Array(timeBytes.buffer, timeBytes.byteOffset, manifest.entries), new Uint32Array(rowBytes.buffer, rowBytes.byteOffset, manifest.entries), keyLines, valuesFd, stringsFd);
  }

  /**
   * The value row each entity row sees (-1: none): `keys[i]` the JSON array of its join keys as text (null
   * when a key is null), `times[i]` its time in epoch µs; `ttlSeconds` null for no expiry.
   */
  match(keys: ReadonlyArray<string | null>, times: BigInt64Array, ttlSeconds: number | null): Int32Array {
    const out = new Int32Array(keys.length).fill(-1);
    const ttl = ttlSeconds === null ? null : BigInt(ttlSeconds) * 1_000_000n;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === null) continue;
      const g = this.groupOf.get(key);
      if (g === undefined) continue;
      const t = times[i];
      // Last entry of the group with time <= t.
      let lo = this.groups[g];
      let hi = this.groups[g + 1];
      if (hi > this.manifest.entries || lo > hi) throw new OfflineIndexCorruptError(`offline index ${this.dir}: key group ${g} is out of range`, this.dir);
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.times[mid] <= t) lo = mid + 1;
        else hi = mid;
      }
      if (lo === this.groups[g]) continue;
      const entry = lo - 1;
      if (ttl !== null && t - this.times[entry] > ttl) continue;
      const vrow = this.rows[entry];
      if (vrow >= this.manifest.valueRows) throw new OfflineIndexCorruptError(`offline index ${this.dir}: entry ${entry} points past the value rows`, this.dir);
      out[i] = vrow;
    }
    return out;
  }

  /**
   * Create temp table `table` (`rowColumn` BIGINT, then `columns[j]` typed as `features[j]`) holding one row
   * per entity row: `rowIds[i]` and the values of value row `vrows[i]` (nulls for -1).
   */
  async fillTable(conn: DuckDBConnection, table: string, rowColumn: string, rowIds: readonly bigint[], vrows: Int32Array, features: readonly string[], columns: readonly string[]): Promise<void> {
    const placed = features.map((name) => {
      const f = this.manifest.features.find((x) => x.name === name);
      if (!f) throw new OfflineIndexCorruptError(`offline index ${this.dir} has no feature '${name}'`, this.dir);
      return f;
    });
    const rowsData = await this.readRows(vrows);
    // Buffer.alloc never pools, so the buffer starts 8-aligned and rows are multiples of 8 bytes.
    const b = rowsData.bytes;
    const f64 = new Float64Array(b.buffer, b.byteOffset, b.length >> 3);
    const i64 = new BigInt64Array(b.buffer, b.byteOffset, b.length >> 3);
    // Loaded on first use (already loaded here: `conn` exists), so importing this file never loads DuckDB.
    const duck = await loadDuckDb();
    const duckTypeOfFeature = duckTypes(duck);
    const types = [duck.BIGINT, ...placed.map((f) => duckTypeOfFeature[f.type])];
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (${q(rowColumn)} BIGINT${placed.map((f, j) => `, ${q(columns[j])} ${duckName(f.type)}`).join('')})`);
    const appender = await conn.createAppender(table, 'main', 'temp');
    try {
      for (let start = 0; start < vrows.length; start += CHUNK_ROWS) {
        const n = Math.min(CHUNK_ROWS, vrows.length - start);
        const chunk = duck.DuckDBDataChunk.create(types, n);
        chunk.setColumnValues(0, rowIds.slice(start, start + n));
        placed.forEach((f, j) => {
          const byte = 4 + (this.manifest.features.indexOf(f) >> 3);
          const bit = 1 << (this.manifest.features.indexOf(f) & 7);
          const values: DuckDBValue[] = new Array<DuckDBValue>(n);
          for (let i = 0; i < n; i++) {
            const at = rowsData.offsetOf[start + i];
            if (at < 0 || (b[at + byte] & bit) !== 0) values[i] = null;
            else if (f.type === 'float64') values[i] = f64[(at + f.offset) >> 3];
            else if (f.type === 'int64') values[i] = i64[(at + f.offset) >> 3];
            else values[i] = this.decode(duck, f, b, at);
          }
          chunk.setColumnValues(j + 1, values);
        });
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Close the open files and let the narrow part go (idempotent: the view is done once its table is built). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.valuesFd);
    closeSync(this.stringsFd);
    this.groupOf = new Map();
    this.groups = new Uint32Array(0);
    this.times = new BigInt64Array(0);
    this.rows = new Uint32Array(0);
  }

  /**
   * Read each distinct matched value row once (runs of nearby rows coalesced into one read), checking its CRC.
   * Reads are synchronous while the rows come from the page cache (a few µs each); when the first reads show the
   * disk (a cold cache after a build), the rest go `READS_IN_FLIGHT` at a time through libuv's pool, since random
   * 4 KiB reads at queue depth 1 leave the disk mostly idle.
   */
  private async readRows(vrows: Int32Array): Promise<{ bytes: Buffer; offsetOf: Int32Array }> {
    const width = this.manifest.rowWidth;
    const wanted = Int32Array.from(new Set(vrows.filter((v) => v >= 0))).sort();
    const bytes = Buffer.alloc(wanted.length * width);
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < wanted.length; ) {
      let j = i;
      while (j + 1 < wanted.length && wanted[j + 1] - wanted[j] <= COALESCE_GAP_ROWS) j++;
      runs.push([i, j]);
      i = j + 1;
    }
    const target = ([i, j]: [number, number]): Buffer => (j > i ? Buffer.alloc((wanted[j] - wanted[i] + 1) * width) : bytes.subarray(i * width, (i + 1) * width));
    const check = ([i, j]: [number, number], run: Buffer): void => {
      const first = wanted[i];
      for (let k = i; k <= j; k++) {
        const row = j > i ? run.subarray((wanted[k] - first) * width, (wanted[k] - first + 1) * width) : run;
        if (row.readUInt32LE(0) !== crc32(row.subarray(4), wanted[k])) throw new OfflineIndexCorruptError(`offline index ${this.dir}: value row ${wanted[k]} does not match its checksum`, this.dir);
        if (j > i) row.copy(bytes, k * width);
      }
    };
    let next = 0;
    const probeEnd = this.readMode === 'auto' ? Math.min(PROBE_READS, runs.length) : 0;
    const started = performance.now();
    for (; next < probeEnd; next++) {
      const run = target(runs[next]);
      readExactly(this.valuesFd, run, wanted[runs[next][0]] * width, this.dir);
      check(runs[next], run);
    }
    const cold = this.readMode === 'parallel' || (probeEnd > 0 && ((performance.now() - started) * 1000) / probeEnd > COLD_READ_MICROS);
    if (!cold) {
      for (; next < runs.length; next++) {
        const run = target(runs[next]);
        readExactly(this.valuesFd, run, wanted[runs[next][0]] * width, this.dir);
        check(runs[next], run);
      }
    } else {
      const worker = async (): Promise<void> => {
        while (next < runs.length) {
          const r = runs[next++];
          const run = target(r);
          await readExactlyAsync(this.valuesFd, run, wanted[r[0]] * width, this.dir);
          check(r, run);
        }
      };
      await Promise.all(Array.from({ length: READS_IN_FLIGHT }, worker));
    }
    // Slot of value row v: its position in `wanted` (sorted, distinct), found by binary search.
    const offsetOf = new Int32Array(vrows.length);
    for (let r = 0; r < vrows.length; r++) {
      const v = vrows[r];
      if (v < 0) {
        offsetOf[r] = -1;
        continue;
      }
      let lo = 0;
      let hi = wanted.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (wanted[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      offsetOf[r] = lo * width;
    }
    return { bytes, offsetOf };
  }

  private decode(duck: typeof DuckDbApi, f: IndexedFeature, bytes: Buffer, rowAt: number): DuckDBValue {
    const at = rowAt + f.offset;
    switch (f.type) {
      case 'float64':
        return bytes.readDoubleLE(at);
      case 'float32':
        return bytes.readFloatLE(at);
      case 'int64':
        return bytes.readBigInt64LE(at);
      case 'int32':
        return bytes.readInt32LE(at);
      case 'bool':
        return bytes[at] === 1;
      case 'timestamp':
        return new duck.DuckDBTimestampTZValue(bytes.readBigInt64LE(at));
      case 'string': {
        const offset = bytes.readDoubleLE(at);
        const length = bytes.readUInt32LE(at + 8);
        if (offset + length > this.manifest.stringBytes) throw new OfflineIndexCorruptError(`offline index ${this.dir}: a string points past ${INDEX_FILES.strings}`, this.dir);
        const s = Buffer.alloc(length);
        readExactly(this.stringsFd, s, offset, this.dir);
        if (crc32(s) !== bytes.readUInt32LE(at + 12)) throw new OfflineIndexCorruptError(`offline index ${this.dir}: a string does not match its checksum`, this.dir);
        return s.toString('utf8');
      }
    }
  }
}

function duckName(type: FeatureType): string {
  const names: Record<FeatureType, string> = { float64: 'DOUBLE', float32: 'FLOAT', int64: 'BIGINT', int32: 'INTEGER', string: 'VARCHAR', bool: 'BOOLEAN', timestamp: 'TIMESTAMPTZ' };
  return names[type];
}

function openChecked(path: string, size: number | null, dir: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    throw new OfflineIndexCorruptError(`offline index file ${path} is missing`, dir);
  }
  if (size !== null && fstatSync(fd).size !== size) {
    closeSync(fd);
    throw new OfflineIndexCorruptError(`offline index file ${path} has the wrong size (truncated or replaced)`, dir);
  }
  return fd;
}

/** The whole file into a fresh (8-byte aligned) buffer; `size` checked when given. */
function readWhole(path: string, size: number | null, dir: string): Uint8Array {
  const fd = openChecked(path, size, dir);
  try {
    const n = fstatSync(fd).size;
    const bytes = new Uint8Array(new ArrayBuffer(n));
    readExactly(fd, bytes, 0, dir);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

function readExactlyAsync(fd: number, into: Uint8Array, position: number, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number): void => {
      if (off >= into.length) return resolve();
      read(fd, into, off, into.length - off, position + off, (err, n) => {
        if (err) return reject(err);
        if (n === 0) return reject(new OfflineIndexCorruptError(`offline index ${dir}: a file ended early`, dir));
        step(off + n);
      });
    };
    step(0);
  });
}

function readExactly(fd: number, into: Uint8Array, position: number, dir: string): void {
  let off = 0;
  while (off < into.length) {
    const n = readSync(fd, into, off, into.length - off, position + off);
    if (n === 0) throw new OfflineIndexCorruptError(`offline index ${dir}: a file ended early`, dir);
    off += n;
  }
}
