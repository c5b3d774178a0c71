/**
 * Options every reader accepts, with their defaults. CSV dialect options left out are sniffed by
 * DuckDB; everything sniffed can be overridden.
 */
import { UsageError } from '../../core/errors.js';
import type { ColumnType } from '../../core/schema.js';
import type { FileFormat } from './file-format.js';

/** How to read a file. */
export interface ReadOptions {
  /** File format; from the extension when absent. */
  format?: FileFormat;
  /** CSV field separator (1 to 4 bytes, e.g. `,` `;` `\t` `|`); sniffed when absent. */
  delimiter?: string;
  /** CSV quote character; `''` reads quotes literally (no quoting). Sniffed when absent. */
  quote?: string;
  /** CSV escape character inside quotes; sniffed when absent. */
  escape?: string;
  /** Whether the first CSV line is a header; sniffed when absent. */
  header?: boolean;
  /**
   * Strings that mean "missing" (compared after trimming). Default: `'' NA N/A NaN nan NULL null #N/A`.
   * Whitespace-only fields are always missing, so a numeric column with blanks (telco's
   * `TotalCharges`) reads as numeric.
   */
  nullValues?: string[];
  /** Force column types; data that does not fit is an InputError naming the column, row and value. */
  columnTypes?: Record<string, ColumnType>;
  /** CSV lines to skip before the header/data. */
  skipRows?: number;
  /** Rows DuckDB's sniffer looks at to pick types (default 20480); -1 = the whole file. */
  sampleRows?: number;
  /** Rows per chunk for `readFrameChunks` (default 65536). */
  chunkRows?: number;
  /** `readFrame` refuses files whose Frame would exceed this many bytes (default 1 GiB). */
  memoryBudgetBytes?: number;
  /**
   * How integer-typed source columns read: `numeric` (default; float64, and an integer past 2^53 is an
   * InputError rather than a rounded value) or `int64` (exact, `BigInt64Array`; registration uses it).
   */
  integers?: 'numeric' | 'int64';
  /** CSV decimal separator, `.` (default) or `,`; a `;`-separated file with decimal commas gets `,` when absent. */
  decimal?: '.' | ',';
  /** Trim leading/trailing whitespace of text fields (default true; needed for ", "-separated files like adult). */
  trim?: boolean;
}

/** Default strings that mean "missing". */
export const DEFAULT_NULL_VALUES: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'NULL', 'null', '#N/A'];

/** Default rows per chunk. */
export const DEFAULT_CHUNK_ROWS = 65_536;

/** Default memory budget of `readFrame`: 1 GiB. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 1024 ** 3;

/** Reject option values that cannot work, before any file is touched. */
export function validateReadOptions(opts: ReadOptions): void {
  const check = (ok: boolean, field: string, msg: string): void => {
    if (!ok) throw new UsageError(`read option "${field}" ${msg}`, { field });
  };
  if (opts.delimiter !== undefined) check(opts.delimiter.length >= 1 && opts.delimiter.length <= 4, 'delimiter', 'must be 1 to 4 characters');
  if (opts.quote !== undefined) check(opts.quote.length <= 1, 'quote', "must be one character or '' (no quoting)");
  if (opts.escape !== undefined) check(opts.escape.length <= 1, 'escape', 'must be one character or empty');
  for (const [field, v] of [['delimiter', opts.delimiter], ['quote', opts.quote], ['escape', opts.escape]] as const) {
    if (v !== undefined) check(!v.includes('\n') && !v.includes('\r') && !v.includes('\0'), field, 'must not contain line breaks or NUL');
  }
  if (opts.skipRows !== undefined) check(Number.isInteger(opts.skipRows) && opts.skipRows >= 0, 'skipRows', 'must be a non-negative integer');
  if (opts.sampleRows !== undefined) check(Number.isInteger(opts.sampleRows) && (opts.sampleRows === -1 || opts.sampleRows > 0), 'sampleRows', 'must be a positive integer or -1');
  if (opts.chunkRows !== undefined) check(Number.isInteger(opts.chunkRows) && opts.chunkRows > 0, 'chunkRows', 'must be a positive integer');
  if (opts.memoryBudgetBytes !== undefined) check(opts.memoryBudgetBytes > 0, 'memoryBudgetBytes', 'must be positive');
  if (opts.integers !== undefined) check(opts.integers === 'numeric' || opts.integers === 'int64', 'integers', "must be 'numeric' or 'int64'");
  if (opts.decimal !== undefined) check(opts.decimal === '.' || opts.decimal === ',', 'decimal', "must be '.' or ','");
  if (opts.nullValues !== undefined) check(opts.nullValues.every((s) => typeof s === 'string' && !s.includes('\0')), 'nullValues', 'must be strings without NUL');
}
