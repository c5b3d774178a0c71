/**
 * Reads strings straight out of a DuckDB VARCHAR vector (an array of 16-byte `duckdb_string_t`: a
 * uint32 length, then either the bytes inline when at most 12, or a 4-byte prefix and a pointer). Short
 * strings decode from the vector's own memory with no native call; the generic `getItem` path of
 * @duckdb/node-api makes a Uint8Array (and for long strings a native call) per value, which measured as
 * the largest JS cost of reading categorical CSV columns.
 */
import { duckdbBindings } from './duckdb-module.js';
import type { Vector } from '@duckdb/node-bindings';

const STRING_T_BYTES = 16;
const INLINE_BYTES = 12;
// Keeps a leading BOM, as Buffer#toString does for short strings: it is part of the value.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** One VARCHAR vector at a time: `load` it, then `get(i)` each row. */
export class VarcharVectorReader {
  private data: Buffer = Buffer.alloc(0);
  private validity: Uint8Array | null = null;
  private readonly duckdb = duckdbBindings();

  /** Point the reader at a vector of `rows` rows. */
  load(vector: Vector, rows: number): void {
    const raw = this.duckdb.vector_get_data(vector, rows * STRING_T_BYTES);
    this.data = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    this.validity = this.duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8) as Uint8Array | null;
  }

  /** Row `i` of the loaded vector, null when missing. */
  get(i: number): string | null {
    const validity = this.validity;
    if (validity !== null && (validity[i >> 3] & (1 << (i & 7))) === 0) return null;
    const data = this.data;
    const at = i * STRING_T_BYTES;
    const length = data.readUInt32LE(at);
    if (length <= INLINE_BYTES) return data.toString('utf8', at + 4, at + 4 + length);
    return decoder.decode(this.duckdb.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + at + 8, length));
  }
}
