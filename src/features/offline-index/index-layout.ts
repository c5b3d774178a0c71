/**
 * The on-disk layout of a feature view's offline index (format version 2; little-endian hosts), shared by the builder and the
 * reader. One build is a folder:
 *
 * - `manifest.json`: what was indexed (view, definition hash, source fingerprint) and the sizes below;
 *   written last, so a folder without it is a build that never finished.
 * - `keys.txt`: one line per distinct join-key tuple (a JSON array of the keys as text), sorted.
 * - `groups.bin`: uint32 start entry of each key group, then the entry count (groups + 1 values).
 * - `times.bin`: int64 event time (epoch microseconds) of each entry, ascending within its group; an entry
 *   is the winning source row of one (keys, event time): greatest created time, then the later source row.
 * - `rows.bin`: uint32 value row of each entry.
 * - `values.bin`: fixed-width rows (a multiple of 8 bytes, values naturally aligned): a uint32 CRC-32 of the rest of the row (seeded with the row number, so a
 *   row moved or bit-flipped is caught), a null bitmap, then every feature (little-endian: float64 / int64 /
 *   timestamp as epoch microseconds 8 bytes, float32 / int32 4 bytes, bool 1 byte, string as a float64 byte
 *   offset, a uint32 length and a uint32 CRC-32 of its bytes in `strings.bin`). The manifest holds a CRC-32 of
 *   each of the other files, checked when the index is opened.
 */
import type { FeatureType } from '../definitions.js';

/** Bumped whenever the layout or the meaning of its entries changes (3: one entry per (keys, event time) as compared, however spelled): an index of another version is never read. */
export const INDEX_FORMAT_VERSION = 3;

/** How a source was when it was indexed; any difference makes the index stale. */
export interface SourceFingerprint {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  /** `NAME@VERSION` when the view reads a registered dataset version. */
  readonly dataset?: string;
}

/** One feature's place in a value row. */
export interface IndexedFeature {
  readonly name: string;
  readonly type: FeatureType;
  /** Byte offset inside the row (after the CRC and the null bitmap). */
  readonly offset: number;
}

/** `manifest.json` of one build. */
export interface IndexManifest {
  readonly formatVersion: number;
  readonly project: string;
  readonly view: string;
  /** Hash of what the view definition contributes to the index (see `viewDefinitionHash`). */
  readonly definitionHash: string;
  readonly source: SourceFingerprint;
  readonly keys: readonly string[];
  readonly features: readonly IndexedFeature[];
  readonly rowWidth: number;
  readonly bitmapBytes: number;
  readonly groups: number;
  readonly entries: number;
  readonly valueRows: number;
  readonly stringBytes: number;
  /** Source rows scanned (every row, winners or not). */
  readonly sourceRows: number;
  /** CRC-32 of the narrow files, checked on open (value rows and strings carry their own). */
  readonly checksums: { readonly keys: number; readonly groups: number; readonly times: number; readonly rows: number };
  readonly builtAt: string;
  readonly buildSeconds: number;
}

/** Bytes a feature takes in a value row. */
export function featureWidth(type: FeatureType): number {
  switch (type) {
    case 'float64':
    case 'int64':
    case 'timestamp':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'bool':
      return 1;
    case 'string':
      return 16;
  }
}

/** Bytes before the features in a value row: the CRC, then the null bitmap. */
export const CRC_BYTES = 4;

/**
 * The row layout of `features`: each one's offset, the bitmap size and the whole row's width. Values are
 * naturally aligned (8-byte ones first, from an 8-aligned offset; rows a multiple of 8 bytes), so builder and
 * reader address them through typed arrays over whole row buffers.
 */
export function rowLayout(features: ReadonlyArray<{ name: string; type: FeatureType }>): { features: IndexedFeature[]; bitmapBytes: number; rowWidth: number } {
  const bitmapBytes = Math.ceil(features.length / 8);
  let offset = align(CRC_BYTES + bitmapBytes, 8);
  const at = new Map<number, number>();
  // Widest first keeps every value aligned without padding between them (16 and 8, then 4, then 1).
  const order = features.map((f, i) => i).sort((a, b) => featureWidth(features[b].type) - featureWidth(features[a].type) || a - b);
  for (const i of order) {
    at.set(i, offset);
    offset += featureWidth(features[i].type);
  }
  return { features: features.map((f, i) => ({ name: f.name, type: f.type, offset: at.get(i) as number })), bitmapBytes, rowWidth: align(offset, 8) };
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** The file names of one build. */
export const INDEX_FILES = { manifest: 'manifest.json', keys: 'keys.txt', groups: 'groups.bin', times: 'times.bin', rows: 'rows.bin', values: 'values.bin', strings: 'strings.bin' } as const;

/** Expected byte size of each data file of `m` (a size mismatch means a truncated or foreign file). */
export function expectedSizes(m: IndexManifest): Record<'groups' | 'times' | 'rows' | 'values' | 'strings', number> {
  return { groups: (m.groups + 1) * 4, times: m.entries * 8, rows: m.entries * 4, values: m.valueRows * m.rowWidth, strings: m.stringBytes };
}
