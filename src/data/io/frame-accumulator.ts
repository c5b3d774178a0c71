/**
 * Copies DuckDB result chunks into preallocated typed arrays and cuts them into Frames of a fixed row
 * count. Numeric vectors are copied with one `set` from DuckDB's memory (the projection already turned
 * NULL into NaN / 255), strings go through one dictionary per column that grows across chunks, so a
 * category keeps its code in every chunk of one read (each chunk's `categories` extends the previous).
 */
import { duckdbBindings } from './duckdb-module.js';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import { InputError } from '../../core/errors.js';
import { Frame, INT64_MISSING, MAX_EXACT_DOUBLE_INT } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';
import type { ColumnPlan } from './column-plan.js';
import { cleanString } from './string-cleaning.js';
import { VarcharVectorReader } from './varchar-vector-reader.js';

interface Builder {
  readonly plan: ColumnPlan;
  f64: Float64Array;
  /** Byte view of `f64`: copying bytes is ~20x cheaper than viewing DuckDB's memory as Float64Array. */
  f64Bytes: Uint8Array;
  i64: BigInt64Array;
  /** Byte view of `i64`. */
  i64Bytes: Uint8Array;
  u8: Uint8Array;
  i32: Int32Array;
  strings: (string | null)[];
  readonly dict: Map<string, number>;
  readonly categories: string[];
  textBytes: number;
}

function markMissing<T extends Float64Array | BigInt64Array>(validity: Uint8Array, from: number, n: number, out: T, at: number, missing: T[number]): void {
  const end = from + n;
  for (let i = from; i < end; ) {
    const byte = validity[i >> 3];
    if (byte === 0xff && (i & 7) === 0 && i + 8 <= end) {
      i += 8;
      continue;
    }
    if ((byte & (1 << (i & 7))) === 0) out[at + i - from] = missing;
    i++;
  }
}

/** 2^43 ms: beyond it a float64 of epoch ms cannot hold every microsecond. */
const MAX_TIMESTAMP_MS = 2 ** 43;

/** Bytes a new block may take before it is grown on demand (see `initialRows`). */
const INITIAL_BLOCK_BYTES = 64 * 1024 * 1024;

/** Rough heap cost of one text value beyond its characters (V8 string header + array slot). */
const TEXT_OVERHEAD_BYTES = 40;

/** Fills fixed-size blocks of rows from DuckDB chunks. */
export class FrameAccumulator {
  private readonly builders: Builder[];
  private filled = 0;
  private readonly varchars = new VarcharVectorReader();
  private allocated = false;
  /** Rows appended over the accumulator's life (for row numbers in errors). */
  private rowsSeen = 0;
  /** Rows the current block's arrays hold (grows up to `capacity`). */
  private allocatedRows = 0;
  /** Bytes held by all blocks emitted so far plus the current one (for memory budgets). */
  bytesEmitted = 0;

  constructor(
    plans: readonly ColumnPlan[],
    readonly capacity: number,
    /** The block will be filled to `capacity` (a known row count): allocate it whole, never grow. */
    private readonly exactSize = false,
  ) {
    this.builders = plans.map((plan) => ({ plan, f64: new Float64Array(0), f64Bytes: new Uint8Array(0), i64: new BigInt64Array(0), i64Bytes: new Uint8Array(0), u8: new Uint8Array(0), i32: new Int32Array(0), strings: [], dict: new Map(), categories: [], textBytes: 0 }));
  }

  /** Rows in the current block. */
  get length(): number {
    return this.filled;
  }

  /**
   * Copy rows [from, chunk.rowCount) of a chunk into the current block, up to its capacity; returns the
   * number of rows taken (the caller emits the block with `takeBlock` when full and calls again).
   */
  append(chunk: DuckDBDataChunk, from: number): number {
    const n = Math.min(chunk.rowCount - from, this.capacity - this.filled);
    if (n <= 0) return 0;
    if (!this.allocated) this.allocate(this.initialRows(n));
    else if (this.filled + n > this.allocatedRows) this.grow(Math.min(this.capacity, Math.max(2 * this.allocatedRows, this.filled + n)));
    const total = chunk.rowCount;
    const duckdb = duckdbBindings();
    for (let j = 0; j < this.builders.length; j++) {
      const b = this.builders[j];
      const at = this.filled;
      switch (b.plan.decode) {
        case 'double': {
          const vec = duckdb.data_chunk_get_vector(chunk.chunk, j);
          const raw = duckdb.vector_get_data(vec, total * 8);
          b.f64Bytes.set(from === 0 && n === total ? raw : raw.subarray(from * 8, (from + n) * 8), at * 8);
          // Projections of DOUBLE columns pass through untouched (no COALESCE pass), so NULLs arrive as
          // validity bits; turn them into NaN, skipping whole bytes of valid rows.
          const validity = duckdb.vector_get_validity(vec, Math.ceil(total / 64) * 8) as Uint8Array | null;
          if (validity) markMissing(validity, from, n, b.f64, at, NaN);
          if (b.plan.exactIntegers === true) this.checkExact(b, at, n);
          if (b.plan.timestampRange === true) this.checkTimestampRange(b, at, n);
          break;
        }
        case 'int64': {
          const vec = duckdb.data_chunk_get_vector(chunk.chunk, j);
          const raw = duckdb.vector_get_data(vec, total * 8);
          b.i64Bytes.set(from === 0 && n === total ? raw : raw.subarray(from * 8, (from + n) * 8), at * 8);
          const validity = duckdb.vector_get_validity(vec, Math.ceil(total / 64) * 8) as Uint8Array | null;
          if (validity) markMissing(validity, from, n, b.i64, at, INT64_MISSING);
          break;
        }
        case 'uint8': {
          const vec = duckdb.data_chunk_get_vector(chunk.chunk, j);
          const raw = duckdb.vector_get_data(vec, total);
          b.u8.set(raw.subarray(from, from + n), at);
          break;
        }
        case 'varchar': {
          const vec = this.varchars;
          vec.load(duckdb.data_chunk_get_vector(chunk.chunk, j), total);
          const clean = b.plan.clean;
          if (b.plan.type === 'categorical') {
            const codes = b.i32;
            for (let i = 0; i < n; i++) {
              const s = vec.get(from + i);
              if (s === null) {
                codes[at + i] = -1;
                continue;
              }
              // Keyed by the raw string, so cleaning runs once per distinct raw value (-1: cleans to missing).
              let code = b.dict.get(s);
              if (code === undefined) code = this.newCode(b, s);
              codes[at + i] = code;
            }
          } else {
            const out = b.strings;
            let bytes = 0;
            for (let i = 0; i < n; i++) {
              const raw = vec.get(from + i);
              const s = raw !== null && clean ? cleanString(raw, clean) : raw;
              out[at + i] = s;
              if (s !== null) bytes += 2 * s.length + TEXT_OVERHEAD_BYTES;
            }
            b.textBytes += bytes;
          }
          break;
        }
      }
    }
    this.filled += n;
    this.rowsSeen += n;
    return n;
  }

  /** Refuse timestamps whose microseconds float64 epoch ms cannot hold (outside 1691-2248). */
  private checkTimestampRange(b: Builder, at: number, n: number): void {
    const v = b.f64;
    for (let i = at; i < at + n; i++) {
      if (Math.abs(v[i]) >= MAX_TIMESTAMP_MS) {
        const row = this.rowsSeen + (i - at) + 1;
        const name = b.plan.name;
        throw new InputError(
          `column "${name}" row ${row}: timestamp ${new Date(v[i]).toISOString()} is outside the years 1691-2248, where Kiln keeps microseconds`,
          { column: name, row },
          'Fix the value, or read the column as text.',
        );
      }
    }
  }

  /** Refuse integers a float64 may have rounded (|v| >= 2^53), naming the 1-based data row. */
  private checkExact(b: Builder, at: number, n: number): void {
    const v = b.f64;
    for (let i = at; i < at + n; i++) {
      if (Math.abs(v[i]) >= MAX_EXACT_DOUBLE_INT) {
        const row = this.rowsSeen + (i - at) + 1;
        const name = b.plan.name;
        throw new InputError(
          `column "${name}" row ${row}: the integer ${BigInt(v[i]).toString()} (as read) is at or beyond 2^53, where float64 rounds integers`,
          { column: name, row },
          `Read the column as int64 to keep it exact (columnTypes: { ${JSON.stringify(name)}: 'int64' }; CLI: --types ${name}:int64).`,
        );
      }
    }
  }

  /** The code of a raw string not seen before: its cleaned value's code (a new category if new), -1 if missing. */
  private newCode(b: Builder, raw: string): number {
    const value = b.plan.clean ? cleanString(raw, b.plan.clean) : raw;
    let code = -1;
    if (value !== null) {
      // Cleaning is idempotent, so a cleaned value seen before as a raw key maps to its own category.
      const known = value === raw ? undefined : b.dict.get(value);
      if (known !== undefined) code = known;
      else {
        code = b.categories.length;
        b.categories.push(value);
        b.dict.set(value, code);
      }
    }
    b.dict.set(raw, code);
    return code;
  }

  /** Whether the current block is full. */
  get full(): boolean {
    return this.filled >= this.capacity;
  }

  /** Bytes the current block holds. */
  blockBytes(): number {
    let bytes = 0;
    for (const b of this.builders) {
      if (b.plan.decode === 'double' || b.plan.decode === 'int64') bytes += 8 * this.filled;
      else if (b.plan.decode === 'uint8') bytes += this.filled;
      else if (b.plan.type === 'categorical') bytes += 4 * this.filled;
      else bytes += b.textBytes + 8 * this.filled;
    }
    return bytes;
  }

  /** The current block as a Frame (trimmed to its rows), starting a new block. */
  takeBlock(): Frame {
    const n = this.filled;
    this.bytesEmitted += this.blockBytes();
    const cols: Column[] = this.builders.map((b): Column => {
      const { name, type } = b.plan;
      switch (type) {
        case 'numeric':
          return { name, type, values: n === this.allocatedRows ? b.f64 : b.f64.slice(0, n) };
        case 'timestamp':
          return { name, type, values: n === this.allocatedRows ? b.f64 : b.f64.slice(0, n), ...(b.plan.timezone ? { timezone: b.plan.timezone } : {}) };
        case 'int64':
          return { name, type, values: n === this.allocatedRows ? b.i64 : b.i64.slice(0, n) };
        case 'boolean':
          return { name, type, values: n === this.allocatedRows ? b.u8 : b.u8.slice(0, n) };
        case 'categorical':
          return { name, type, codes: n === this.allocatedRows ? b.i32 : b.i32.slice(0, n), categories: b.categories.slice() };
        case 'text':
          return { name, type, values: n === this.allocatedRows ? b.strings : b.strings.slice(0, n) };
      }
    });
    this.filled = 0;
    // The next block is allocated on the next append, so the last block costs no spare arrays.
    this.allocated = false;
    return new Frame(cols, n);
  }

  /**
   * Rows to allocate for a new block: all of `capacity` unless the table is wide, where a block of 65,536
   * rows x 10,000 columns would be 5 GB up front for what may be 20 rows; then ~64 MiB, grown on demand.
   */
  private initialRows(needed: number): number {
    if (this.exactSize) return this.capacity;
    const byBytes = Math.floor(INITIAL_BLOCK_BYTES / (8 * Math.max(1, this.builders.length)));
    return Math.min(this.capacity, Math.max(needed, byBytes, 64));
  }

  /** Grow the current block's arrays to `rows`, keeping the rows filled so far. */
  private grow(rows: number): void {
    for (const b of this.builders) {
      if (b.plan.decode === 'double') {
        const f64 = new Float64Array(rows);
        f64.set(b.f64.subarray(0, this.filled));
        b.f64 = f64;
        b.f64Bytes = new Uint8Array(f64.buffer);
      } else if (b.plan.decode === 'int64') {
        const i64 = new BigInt64Array(rows);
        i64.set(b.i64.subarray(0, this.filled));
        b.i64 = i64;
        b.i64Bytes = new Uint8Array(i64.buffer);
      } else if (b.plan.decode === 'uint8') {
        const u8 = new Uint8Array(rows);
        u8.set(b.u8.subarray(0, this.filled));
        b.u8 = u8;
      } else if (b.plan.type === 'categorical') {
        const i32 = new Int32Array(rows);
        i32.set(b.i32.subarray(0, this.filled));
        b.i32 = i32;
      } else {
        const strings = b.strings.slice(0, this.filled);
        strings.length = rows;
        b.strings = strings.fill(null, this.filled);
      }
    }
    this.allocatedRows = rows;
  }

  private allocate(rows: number): void {
    this.allocated = true;
    this.allocatedRows = rows;
    const cap = rows;
    for (const b of this.builders) {
      b.textBytes = 0;
      if (b.plan.decode === 'double') {
        b.f64 = new Float64Array(cap);
        b.f64Bytes = new Uint8Array(b.f64.buffer);
      }
      else if (b.plan.decode === 'int64') {
        b.i64 = new BigInt64Array(cap);
        b.i64Bytes = new Uint8Array(b.i64.buffer);
      } else if (b.plan.decode === 'uint8') b.u8 = new Uint8Array(cap);
      else if (b.plan.type === 'categorical') b.i32 = new Int32Array(cap);
      else b.strings = new Array<string | null>(cap).fill(null);
    }
  }
}
