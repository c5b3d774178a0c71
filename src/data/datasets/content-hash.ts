/**
 * `ContentHasher`: a dataset version's content hash, from its logical content (schema + values in the
 * canonical encoding of docs/specs/dataset-content-hash.md), not from file bytes. The same table read from
 * CSV or Parquet, written by any writer version, chunked any way, hashes the same; a changed value, type,
 * column name or row order changes it. Fed chunk by chunk while registering (memory: one block).
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { InputError } from '../../core/errors.js';
import { BOOL_MISSING, INT64_MISSING, Frame } from '../../core/frame.js';
import type { Column } from '../../core/frame.js';

/** Rows per canonical block: values are encoded column by column within each block of this many rows. */
export const CONTENT_HASH_BLOCK_ROWS = 65_536;
const MAGIC = 'kiln-content-v1\n';
const encoder = new TextEncoder();

/** Streams Frames (same columns in every chunk) into a sha256 content hash. */
export class ContentHasher {
  private readonly hash: Hash = createHash('sha256');
  private pending: Frame[] = [];
  private pendingRows = 0;
  private schemaKey: string | undefined;
  private rows = 0;

  /** Add the next rows. */
  add(frame: Frame): void {
    const key = schemaKeyOf(frame);
    if (this.schemaKey === undefined) {
      this.schemaKey = key;
      this.hash.update(MAGIC);
      this.hash.update(key);
      this.hash.update('\n');
    } else if (key !== this.schemaKey) {
      throw new InputError('chunks fed to the content hash have different columns or types', { expected: this.schemaKey, got: key });
    }
    let start = 0;
    while (start < frame.rowCount) {
      const take = Math.min(frame.rowCount - start, CONTENT_HASH_BLOCK_ROWS - this.pendingRows);
      this.pending.push(start === 0 && take === frame.rowCount ? frame : frame.slice(start, start + take));
      this.pendingRows += take;
      start += take;
      if (this.pendingRows === CONTENT_HASH_BLOCK_ROWS) this.flush();
    }
  }

  /** The hex sha256 of everything added (call once, at the end). */
  digest(): string {
    if (this.schemaKey === undefined) throw new InputError('no chunk was fed to the content hash');
    this.flush();
    const trailer = new Uint8Array(8);
    new DataView(trailer.buffer).setBigUint64(0, BigInt(this.rows), true);
    this.hash.update(trailer);
    return this.hash.digest('hex');
  }

  private flush(): void {
    if (this.pendingRows === 0) return;
    // One block is encoded as a whole, however the reader cut it (one copy of at most a block).
    const block = this.pending.length === 1 ? this.pending[0] : Frame.concat(this.pending);
    for (const col of block.columns) this.encodeColumn(col, block.rowCount);
    this.rows += this.pendingRows;
    this.pending = [];
    this.pendingRows = 0;
  }

  /** One column's values of one block part: a presence byte per row, then the present values. */
  private encodeColumn(col: Column, n: number): void {
    const present = new Uint8Array(n);
    switch (col.type) {
      case 'numeric': {
        const out = new Float64Array(n);
        let k = 0;
        for (let i = 0; i < n; i++) {
          const v = col.values[i];
          if (v !== v) continue;
          present[i] = 1;
          out[k++] = v === 0 ? 0 : v; // -0 and 0 are one value
        }
        this.hash.update(present);
        this.hash.update(new Uint8Array(out.buffer, 0, k * 8));
        return;
      }
      case 'timestamp': {
        // Integer epoch microseconds, as float64 (exact in the range readers accept).
        const out = new Float64Array(n);
        let k = 0;
        for (let i = 0; i < n; i++) {
          const v = col.values[i];
          if (v !== v) continue;
          present[i] = 1;
          const us = Math.round(v * 1000);
          out[k++] = us === 0 ? 0 : us;
        }
        this.hash.update(present);
        this.hash.update(new Uint8Array(out.buffer, 0, k * 8));
        return;
      }
      case 'int64': {
        const out = new BigInt64Array(n);
        let k = 0;
        for (let i = 0; i < n; i++) {
          const v = col.values[i];
          if (v === INT64_MISSING) continue;
          present[i] = 1;
          out[k++] = v;
        }
        this.hash.update(present);
        this.hash.update(new Uint8Array(out.buffer, 0, k * 8));
        return;
      }
      case 'boolean': {
        const out = new Uint8Array(n);
        let k = 0;
        for (let i = 0; i < n; i++) {
          const v = col.values[i];
          if (v === BOOL_MISSING) continue;
          present[i] = 1;
          out[k++] = v === 0 ? 0 : 1;
        }
        this.hash.update(present);
        this.hash.update(out.subarray(0, k));
        return;
      }
      case 'categorical': {
        const bytes = col.categories.map((c) => lengthPrefixed(c));
        for (let i = 0; i < n; i++) if (col.codes[i] >= 0) present[i] = 1;
        this.hash.update(present);
        this.hash.update(concatBytes(n, (i) => (col.codes[i] >= 0 ? bytes[col.codes[i]] : null)));
        return;
      }
      case 'text': {
        for (let i = 0; i < n; i++) if (col.values[i] !== null) present[i] = 1;
        this.hash.update(present);
        this.hash.update(concatBytes(n, (i) => (col.values[i] === null ? null : lengthPrefixed(col.values[i] as string))));
        return;
      }
    }
  }
}

/** The byte strings of rows 0..n-1 (null = none) in one buffer, so the hash sees one update. */
function concatBytes(n: number, at: (i: number) => Uint8Array | null): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const b = at(i);
    if (b === null) continue;
    parts.push(b);
    total += b.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const b of parts) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** u32 little-endian byte length, then the UTF-8 bytes. */
function lengthPrefixed(s: string): Uint8Array {
  const utf8 = encoder.encode(s);
  const out = new Uint8Array(4 + utf8.length);
  new DataView(out.buffer).setUint32(0, utf8.length, true);
  out.set(utf8, 4);
  return out;
}

/** The schema line: canonical JSON of `[[name, type, zone?], ...]` (categories and nullability are not content). */
function schemaKeyOf(frame: Frame): string {
  return JSON.stringify(frame.columns.map((c) => (c.type === 'timestamp' && c.timezone ? [c.name, c.type, c.timezone] : [c.name, c.type])));
}

/** The content hash of whole Frames (tests, small inputs). */
export function contentHashOf(frames: Iterable<Frame>): string {
  const h = new ContentHasher();
  for (const f of frames) h.add(f);
  return h.digest();
}
