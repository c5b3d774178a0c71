/**
 * Finds out what a file is before it is read: format, CSV dialect (sniffed by DuckDB, each part
 * overridable), column names and DuckDB types, and the `read_*` table-function SQL every later query
 * scans. Missing, empty, binary and malformed files fail here with typed errors.
 */
import { open, stat, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError, NotFoundError } from '../../core/errors.js';
import { assertTextContent, consistentDelimiter, fieldCount, prescanCsv } from './csv-prescan.js';
import { translateDuckDbError } from './duckdb-error.js';
import { detectFormat } from './file-format.js';
import { countLineBreaks, countLines } from './line-count.js';
import type { FileFormat } from './file-format.js';
import { DEFAULT_NULL_VALUES } from './read-options.js';
import type { ReadOptions } from './read-options.js';
import { quoteLiteral, quoteLiteralList } from './sql-quote.js';
import { makeTempDir, removeTempPath } from './temp-space.js';

/** A CSV dialect as sniffed (or as given by the caller). */
export interface CsvDialect {
  readonly delimiter: string;
  readonly quote: string;
  readonly escape: string;
  readonly header: boolean;
  readonly skipRows: number;
  /** Decimal separator of numbers, `.` or `,`. */
  readonly decimal: '.' | ',';
}

/** One column as DuckDB sees it. */
export interface SourceColumn {
  readonly name: string;
  /** DuckDB type name, e.g. `BIGINT`, `VARCHAR`, `TIMESTAMP WITH TIME ZONE`. */
  readonly duckType: string;
}

/** A file ready to be scanned. */
export interface DescribedSource {
  readonly file: string;
  readonly format: FileFormat;
  /** SQL table expression (`read_csv(...)`) that scans the file. */
  readonly relation: string;
  readonly columns: readonly SourceColumn[];
  readonly csv?: CsvDialect;
  /** File size in bytes (compressed size for .gz). */
  readonly fileBytes: number;
  /** Rows expected (exact for Parquet, from the line length of the first MiBs for CSV); undefined when unknown. */
  readonly estimatedRows?: number;
  /**
   * An upper bound on the rows a scan can return, cheap to get (no DuckDB pass): exact for Parquet, data
   * lines for uncompressed CSV (counted from the head when it holds the whole file, else by reading the
   * file); undefined when unknown (JSON, gzip). Scans use it to prove a stream complete and to size
   * a whole-file read as one block. Computed once, on first call.
   */
  readonly rowBound: () => Promise<number | undefined>;
  /** Remove temporary links made for paths DuckDB would glob; call when done. */
  readonly cleanup: () => Promise<void>;
}

const unknownBound = (): Promise<number | undefined> => Promise.resolve(undefined);

const PRESCAN_BYTES = 1024 * 1024;
/** Header fields from which a file counts as wide (its dialect is found without DuckDB's sniffer). */
const WIDE_COLUMNS = 500;
/** Types DuckDB may pick for CSV columns. BOOLEAN is left out so Yes/No stays categorical (see column-plan). */
const CSV_TYPE_CANDIDATES = ['BIGINT', 'DOUBLE', 'DATE', 'TIMESTAMP', 'VARCHAR'];

/** Describe a file: existence, format, dialect, columns (throws NotFoundError / InputError). */
export async function describeSource(conn: DuckDBConnection, path: string, opts: ReadOptions): Promise<DescribedSource> {
  const fileBytes = await fileSize(path);
  const format = opts.format ?? detectFormat(path);
  if (fileBytes === 0) throw emptyFile(path);
  const { duckPath, cleanup } = await duckDbSafePath(path);
  try {
    if (format === 'parquet') {
      const relation = `read_parquet(${quoteLiteral(duckPath)})`;
      const described = await describeRelation(conn, path, format, relation, fileBytes, cleanup);
      const count = await conn.runAndReadAll(`SELECT count(*) FROM ${relation}`);
      const rows = Number(count.getRowsJS()[0][0]);
      return { ...described, estimatedRows: rows, rowBound: () => Promise.resolve(rows) };
    }
    if (format === 'json' || format === 'ndjson') {
      const jsonFormat = format === 'ndjson' ? 'newline_delimited' : 'auto';
      const args = [quoteLiteral(duckPath), `format=${quoteLiteral(jsonFormat)}`];
      if (opts.sampleRows !== undefined) args.push(`sample_size=${opts.sampleRows}`);
      return await describeRelation(conn, path, format, `read_json(${args.join(', ')})`, fileBytes, cleanup);
    }
    return await describeCsv(conn, path, duckPath, opts, fileBytes, cleanup);
  } catch (err) {
    await cleanup();
    throw translateDuckDbError(err, path);
  }
}

async function describeCsv(
  conn: DuckDBConnection,
  path: string,
  duckPath: string,
  opts: ReadOptions,
  fileBytes: number,
  cleanup: () => Promise<void>,
): Promise<DescribedSource> {
  const compressed = /\.(gz|gzip)$/i.test(path);
  const head = compressed ? undefined : await readHead(path, PRESCAN_BYTES);
  if (head) {
    assertTextContent(path, head);
    if (isBlank(head)) throw emptyFile(path);
  }
  const headText = head ? new TextDecoder('utf-8', { fatal: false }).decode(head) : undefined;
  const wholeHead = head !== undefined && head.length >= fileBytes;
  let sniffOpts = opts;
  // DuckDB's dialect detection takes ~1 ms a column (10 s for 10,000): a wide file whose lines agree on a
  // delimiter gets it (and standard quoting) given, so only header and types are sniffed.
  const wide = opts.delimiter === undefined && headText !== undefined ? consistentDelimiter(headText, '', wholeHead) : undefined;
  if (wide !== undefined && fieldCount(headText ?? '', wide) >= WIDE_COLUMNS) sniffOpts = { ...opts, delimiter: wide, quote: opts.quote ?? '"', escape: opts.escape ?? '"' };
  let row = await sniffCsv(conn, duckPath, sniffOpts);
  if (opts.delimiter === undefined && headText !== undefined) {
    // DuckDB's sniffer can take a `;` file with decimal commas ("1,5;2,25") for a comma-separated one
    // whose header does not fit; a delimiter that gives every sampled line, header included, the same
    // field count is the right one.
    const better = consistentDelimiter(headText, sniffedChar(row?.Delimiter), wholeHead);
    if (better !== undefined) sniffOpts = { ...sniffOpts, delimiter: better };
  }
  const delimiter = sniffOpts.delimiter ?? sniffedChar(row?.Delimiter);
  // The European convention: `;`-separated files write decimals with a comma (override with decimal: '.').
  if (opts.decimal === undefined && delimiter === ';' && headText !== undefined && /\d,\d/.test(headText)) sniffOpts = { ...sniffOpts, delimiter, decimal: ',' };
  if (sniffOpts !== opts) row = await sniffCsv(conn, duckPath, sniffOpts);
  const forced = opts.columnTypes ?? {};
  const dialect: CsvDialect = {
    delimiter: sniffOpts.delimiter ?? sniffedChar(row?.Delimiter),
    quote: opts.quote ?? sniffedChar(row?.Quote),
    escape: opts.escape ?? sniffedChar(row?.Escape),
    header: opts.header ?? row?.HasHeader === true,
    skipRows: opts.skipRows ?? Number(row?.SkipRows ?? 0),
    decimal: sniffOpts.decimal ?? '.',
  };
  const columns = (Array.isArray(row?.Columns) ? row.Columns : []).map((c) => {
    const { name, type } = c as { name: unknown; type: unknown };
    // A forced type is read from the text: the sniffer's guess (BIGINT from a sample) must not fail first.
    return { name: String(name), duckType: forced[String(name)] !== undefined ? 'VARCHAR' : String(type) };
  });
  // Pin dialect and types so later scans do not sniff the file again (each sniff costs a sample read).
  const relation = `read_csv(${csvArgs(duckPath, opts, dialect, columns)})`;
  const wholeFile = head !== undefined && head.length >= fileBytes;
  const nonData = dialect.skipRows + (dialect.header ? 1 : 0);
  let bound: Promise<number | undefined> | undefined;
  // Counted once, on first use (reading a large file is not free), then shared by every caller.
  const rowBound = (): Promise<number | undefined> => {
    if (compressed) return Promise.resolve(undefined);
    bound ??= (wholeFile ? Promise.resolve(lineCount(head)) : countLines(path)).then((lines) => Math.max(0, lines - nonData));
    return bound;
  };
  const described: DescribedSource = { file: path, format: 'csv', relation, columns, fileBytes, rowBound, cleanup };
  if (head) {
    prescanCsv(path, head, wholeFile, {
      delimiter: dialect.delimiter,
      quote: dialect.quote,
      columnCount: described.columns.length,
      userDelimiter: opts.delimiter !== undefined,
      userQuote: opts.quote !== undefined,
    });
  }
  return { ...described, csv: dialect, ...(head ? { estimatedRows: estimateLines(head, fileBytes) } : {}) };
}

function csvArgs(duckPath: string, opts: ReadOptions, dialect?: CsvDialect, columns?: readonly SourceColumn[]): string {
  const args = [quoteLiteral(duckPath), `auto_detect=${columns === undefined}`];
  const decimal = dialect?.decimal ?? opts.decimal;
  if (decimal === ',') args.push(`decimal_separator=','`);
  const delimiter = dialect?.delimiter ?? opts.delimiter;
  const quote = dialect?.quote ?? opts.quote;
  const escape = dialect?.escape ?? opts.escape;
  const header = dialect?.header ?? opts.header;
  const skip = dialect?.skipRows ?? opts.skipRows;
  if (delimiter !== undefined) args.push(`delim=${quoteLiteral(delimiter)}`);
  if (quote !== undefined) args.push(`quote=${quoteLiteral(quote)}`);
  if (escape !== undefined) args.push(`escape=${quoteLiteral(escape)}`);
  if (header !== undefined) args.push(`header=${header}`);
  if (skip !== undefined) args.push(`skip=${skip}`);
  if (opts.sampleRows !== undefined && columns === undefined) args.push(`sample_size=${opts.sampleRows}`);
  if (columns !== undefined) args.push(`columns={${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.duckType)}`).join(', ')}}`);
  else args.push(`auto_type_candidates=${quoteLiteralList(CSV_TYPE_CANDIDATES)}`);
  args.push(`nullstr=${quoteLiteralList(opts.nullValues ?? DEFAULT_NULL_VALUES)}`);
  return args.join(', ');
}

async function sniffCsv(conn: DuckDBConnection, duckPath: string, opts: ReadOptions): Promise<Record<string, unknown> | undefined> {
  const sniffed = await conn.runAndReadAll(`SELECT Delimiter, Quote, Escape, HasHeader, SkipRows, Columns FROM sniff_csv(${csvArgs(duckPath, opts)})`);
  return sniffed.getRowObjectsJS()[0];
}

async function describeRelation(
  conn: DuckDBConnection,
  path: string,
  format: FileFormat,
  relation: string,
  fileBytes: number,
  cleanup: () => Promise<void>,
): Promise<DescribedSource> {
  const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  const columns = reader.getRowObjectsJS().map((r) => ({ name: String(r.column_name), duckType: String(r.column_type) }));
  return { file: path, format, relation, columns, fileBytes, rowBound: unknownBound, cleanup };
}

/** Lines in a whole file's bytes (a last line without a line break counts). */
function lineCount(bytes: Uint8Array): number {
  const n = countLineBreaks(bytes);
  const last = bytes.length > 0 ? bytes[bytes.length - 1] : 10;
  return last !== 10 && last !== 13 ? n + 1 : n;
}

function isBlank(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  }
  return true;
}

function estimateLines(head: Uint8Array, fileBytes: number): number {
  const lines = countLineBreaks(head);
  if (head.length >= fileBytes) return lines;
  return Math.round((lines / Math.max(1, head.length)) * fileBytes);
}

function sniffedChar(v: unknown): string {
  const s = typeof v === 'string' ? v : '';
  return s === '(empty)' ? '' : s;
}

function emptyFile(path: string): InputError {
  return new InputError(`"${path}" is empty`, { file: path }, 'Provide a file with a header and at least one data row.');
}

async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError(`"${path}" is not a regular file`, { file: path }, 'Pass the path of a data file, not a directory.');
    return s.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`file "${path}" does not exist`, { file: path }, 'Check the path.');
    throw err;
  }
}

async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * DuckDB treats `* ? [ ]` in paths as glob patterns; a file whose name contains them is read through a
 * symlink with a plain name so it can never match other files.
 */
async function duckDbSafePath(path: string): Promise<{ duckPath: string; cleanup: () => Promise<void> }> {
  const abs = resolve(path);
  if (!/[*?[\]{}]/.test(abs)) return { duckPath: abs, cleanup: () => Promise.resolve() };
  const dir = await makeTempDir('io');
  const ext = /(\.[A-Za-z0-9]+)?(\.gz|\.gzip)?$/i.exec(abs)?.[0] ?? '';
  const link = join(dir, `source${ext}`);
  await symlink(abs, link);
  return { duckPath: link, cleanup: () => removeTempPath(dir) };
}
