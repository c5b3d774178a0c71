/**
 * The file-reading flags shared by every command that takes a data source (`--delimiter`, `--types`...).
 */
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { COLUMN_TYPES, isColumnType } from '../core/schema.js';
import type { ColumnType } from '../core/schema.js';
import type { ReadOptions } from '../data/io/read-options.js';

/** Add the reader flags to a command. */
export function addReadOptions(cmd: Command): Command {
  return cmd
    .option('--input-format <format>', 'input format: csv | parquet | json | ndjson (default: from the extension)')
    .option('--delimiter <char>', 'CSV field delimiter (default: sniffed)')
    .option('--quote <char>', 'CSV quote character (default: sniffed)')
    .option('--escape <char>', 'CSV escape character')
    .option('--no-header', 'the CSV file has no header row')
    .option('--null <value...>', 'strings to read as missing (repeatable)')
    .option('--types <col:type,...>', 'force column types, e.g. "age:numeric,zip:categorical"')
    .option('--skip-rows <n>', 'skip this many lines before the header')
    .option('--decimal <char>', 'CSV decimal separator: . or , (default: , for ;-separated files with decimal commas, else .)');
}

/** Raw commander option values for reading. */
export interface RawReadFlags {
  inputFormat?: string;
  delimiter?: string;
  quote?: string;
  escape?: string;
  header?: boolean;
  null?: string[];
  types?: string;
  skipRows?: string;
  decimal?: string;
}

/** Turn reader flags into ReadOptions, rejecting malformed values with a UsageError. */
export function readOptionsFrom(flags: RawReadFlags): ReadOptions {
  const opts: ReadOptions = {};
  if (flags.inputFormat !== undefined) {
    if (!['csv', 'parquet', 'json', 'ndjson'].includes(flags.inputFormat)) {
      throw new UsageError(`--input-format must be csv, parquet, json or ndjson (got "${flags.inputFormat}")`, { field: 'input-format' });
    }
    opts.format = flags.inputFormat as ReadOptions['format'];
  }
  if (flags.delimiter !== undefined) opts.delimiter = flags.delimiter === '\\t' ? '\t' : flags.delimiter;
  if (flags.quote !== undefined) opts.quote = flags.quote;
  if (flags.escape !== undefined) opts.escape = flags.escape;
  if (flags.header === false) opts.header = false;
  if (flags.null !== undefined) opts.nullValues = flags.null;
  if (flags.skipRows !== undefined) {
    const n = Number(flags.skipRows);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--skip-rows must be a non-negative integer (got "${flags.skipRows}")`, { field: 'skip-rows' });
    opts.skipRows = n;
  }
  if (flags.types !== undefined) opts.columnTypes = parseTypes(flags.types);
  if (flags.decimal !== undefined) {
    if (flags.decimal !== '.' && flags.decimal !== ',') throw new UsageError(`--decimal must be . or , (got "${flags.decimal}")`, { field: 'decimal' });
    opts.decimal = flags.decimal;
  }
  return opts;
}

function parseTypes(spec: string): Record<string, ColumnType> {
  const out: Record<string, ColumnType> = {};
  for (const part of spec.split(',')) {
    const idx = part.lastIndexOf(':');
    const col = part.slice(0, idx).trim();
    const type = part.slice(idx + 1).trim();
    if (idx <= 0 || !col) throw new UsageError(`--types entry "${part}" must look like column:type`, { field: 'types' });
    if (!isColumnType(type)) throw new UsageError(`--types: "${type}" is not a column type (${COLUMN_TYPES.join(', ')})`, { field: 'types', column: col });
    out[col] = type;
  }
  return out;
}
