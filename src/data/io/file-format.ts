/**
 * File formats the readers and writers understand, and how a path's extension maps to one.
 */
import { UsageError } from '../../core/errors.js';

/** A tabular file format Kiln reads. */
export type FileFormat = 'csv' | 'parquet' | 'json' | 'ndjson';

/** All readable formats, for messages and option validation. */
export const FILE_FORMATS: readonly FileFormat[] = ['csv', 'parquet', 'json', 'ndjson'];

const BY_EXTENSION: Readonly<Record<string, FileFormat>> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  parquet: 'parquet',
  pq: 'parquet',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
};

/**
 * The format of a file from its extension (`.csv .tsv .txt .parquet .json .ndjson .jsonl`, and any of
 * the text ones followed by `.gz`); a UsageError when the extension says nothing.
 */
export function detectFormat(path: string): FileFormat {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const parts = base.split('.');
  if (parts.length > 1 && (parts[parts.length - 1] === 'gz' || parts[parts.length - 1] === 'gzip')) parts.pop();
  const ext = parts.length > 1 ? parts[parts.length - 1] : '';
  const format = BY_EXTENSION[ext];
  if (format === undefined) {
    throw new UsageError(
      `cannot tell the format of "${path}" from its extension`,
      { file: path },
      `Name the file .csv, .tsv, .parquet, .json, .ndjson or .jsonl (optionally .gz), or pass the format explicitly (${FILE_FORMATS.join(', ')}).`,
    );
  }
  return format;
}
