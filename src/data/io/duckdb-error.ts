/**
 * Turns DuckDB's error messages into Kiln's typed errors with a short message that names the file and,
 * where DuckDB says it, the line; the original error stays available as `cause`.
 */
import { InputError, InternalError, KilnError, NotFoundError } from '../../core/errors.js';

interface Rule {
  readonly test: RegExp;
  readonly message: (m: RegExpMatchArray, raw: string) => string;
  readonly hint?: string;
}

const RULES: readonly Rule[] = [
  {
    test: /Invalid unicode|not utf-8 encoded/i,
    message: () => 'is not valid UTF-8 text',
    hint: 'Convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`) and read it again.',
  },
  {
    test: /Maximum line size of (\d+) bytes exceeded/i,
    message: (m) => `has a line longer than ${m[1]} bytes`,
    hint: 'Check that this is a CSV file with line breaks, and that quotes are balanced.',
  },
  {
    test: /Expected Number of Columns: (\d+) Found: (\d+)/i,
    message: (m) => `has ${m[2]} fields where ${m[1]} were expected (ragged row)`,
    hint: 'Fix the row so every line has the same number of fields, or check the delimiter and quote options.',
  },
  {
    test: /unterminated quote/i,
    message: () => 'has a quoted field that is never closed',
    hint: "Close the quote, or pass quote: '' if the file does not use quoting.",
  },
  {
    test: /It was not possible to automatically detect the CSV parsing dialect/i,
    message: () => 'could not be parsed as CSV (no consistent delimiter/quote found)',
    hint: 'Check that this is a text CSV file; pass delimiter, quote and header explicitly if it is.',
  },
  {
    test: /Could not convert string ("[^"]*"|'[^']*'|\S+) to '?(\w+)'?/i,
    message: (m) => `has a value ${m[1]} that is not a valid ${m[2]}`,
    hint: 'Fix the value or declare the column as categorical/text with columnTypes.',
  },
  {
    test: /too small to be a Parquet file|No magic bytes found|not a parquet file/i,
    message: () => 'is not a valid Parquet file',
    hint: 'Check the file (a truncated download?) or its extension.',
  },
  {
    test: /Malformed JSON|JSON.*parse error|Expected (object|array)|Invalid JSON/i,
    message: (_m, raw) => `is not valid JSON: ${firstLine(raw).replace(/^[\w ]+Error: /, '')}`,
    hint: 'Use a JSON array of objects (.json) or one object per line (.ndjson/.jsonl).',
  },
];

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).slice(0, 300);
}

/** The 1-based file line DuckDB blames, if it names one. */
export function duckDbErrorLine(message: string): number | undefined {
  const m = /(?:CSV Error on Line|Line): (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** Translate a DuckDB failure while reading/writing `file` into a KilnError (typed errors pass through). */
export function translateDuckDbError(err: unknown, file: string): KilnError {
  if (err instanceof KilnError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  if (/No files found that match the pattern/i.test(raw)) {
    return new NotFoundError(`file "${file}" does not exist`, { file }, 'Check the path.');
  }
  // The environment failed, not the data: a full disk, exhausted memory, an I/O error of the device. Exit 3 / 5xx.
  if (/No space left on device|disk is full|Out of Memory|could not allocate|failed to allocate|exceeds? the memory limit|memory_limit/i.test(raw) || (/IO Error/i.test(raw) && !/No such file|does not exist|Cannot open file/i.test(raw))) {
    return new InternalError(`reading or writing "${file}" failed: ${firstLine(raw)}`, { file }, { cause: err });
  }
  const line = duckDbErrorLine(raw);
  const where = line !== undefined ? ` at line ${line}` : '';
  for (const rule of RULES) {
    const m = rule.test.exec(raw);
    if (m) {
      return new InputError(`"${file}"${where} ${rule.message(m, raw)}`, { file, ...(line !== undefined ? { line } : {}) }, rule.hint, { cause: err });
    }
  }
  return new InputError(`could not read "${file}"${where}: ${firstLine(raw)}`, { file, ...(line !== undefined ? { line } : {}) }, undefined, { cause: err });
}
