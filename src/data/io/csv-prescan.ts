/**
 * A quick look at the first bytes of a CSV file, for the failures DuckDB's sniffer hides by falling back
 * to another dialect: binary content, a quote that is never closed (read literally when the sniffer
 * picks "no quote") and ragged rows (read as one column when no delimiter fits every row).
 */
import { InputError } from '../../core/errors.js';

/** The dialect DuckDB's sniffer settled on, and which parts of it the user fixed. */
export interface PrescanDialect {
  readonly delimiter: string;
  readonly quote: string;
  readonly columnCount: number;
  readonly userDelimiter: boolean;
  readonly userQuote: boolean;
}

const DELIMITER_CANDIDATES = [',', ';', '\t', '|'];

/** Throw an InputError if the first bytes of a text file contain NUL bytes (binary data). */
export function assertTextContent(file: string, head: Uint8Array): void {
  if (head.subarray(0, 8192).includes(0)) {
    throw new InputError(`"${file}" looks like a binary file (it contains NUL bytes), not CSV text`, { file }, 'Check the path and the format; Parquet files need a .parquet extension.');
  }
}

/** Throw an InputError naming the line if the sampled text shows a never-closed quote or ragged rows. */
export function prescanCsv(file: string, head: Uint8Array, wholeFile: boolean, dialect: PrescanDialect): void {
  // Decoded only when a check needs it: most files pass neither condition, and decoding a MiB costs.
  let text: string | undefined;
  const decoded = (): string => (text ??= new TextDecoder('utf-8', { fatal: false }).decode(head));
  if (!dialect.userQuote && dialect.quote === '' && wholeFile && head.includes(0x22)) checkUnclosedQuote(file, decoded(), wholeFile, dialect.delimiter);
  if (!dialect.userDelimiter && dialect.columnCount === 1) checkRagged(file, decoded(), wholeFile);
}

function checkUnclosedQuote(file: string, text: string, wholeFile: boolean, delimiter: string): void {
  if (!wholeFile || !text.includes('"')) return;
  let line = 1;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      atFieldStart = true;
      continue;
    }
    if (ch === '"' && atFieldStart && text.indexOf('"', i + 1) < 0) {
      throw new InputError(
        `"${file}" line ${line}: a quoted field is opened but never closed before the end of the file`,
        { file, line },
        "Close the quote, or pass quote: '' (CLI: --quote '') to read quote characters literally.",
      );
    }
    atFieldStart = text.startsWith(delimiter, i) || ch === '\r';
  }
}

function checkRagged(file: string, text: string, wholeFile: boolean): void {
  const lines = text.split('\n');
  if (!wholeFile) lines.pop(); // the last sampled line may be cut short
  const first = lines[0] ?? '';
  const delimiter = DELIMITER_CANDIDATES.find((d) => first.includes(d));
  if (delimiter === undefined) return;
  const expected = countFields(first, delimiter);
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    if (l === '' && i === lines.length - 1) continue;
    const found = countFields(l, delimiter);
    if (found !== expected) {
      throw new InputError(
        `"${file}" line ${i + 1} has ${found} fields where ${expected} were expected (ragged row, delimiter ${JSON.stringify(delimiter)})`,
        { file, line: i + 1 },
        'Fix the row so every line has the same number of fields, or pass the delimiter and quote explicitly.',
      );
    }
  }
}

/**
 * A delimiter to use instead of the sniffed one, or undefined to keep it: when the sniffed delimiter
 * gives the sampled lines (header included) different field counts and another candidate gives every
 * line the same count of 2 or more. Quote-aware; the last line of a partial sample is ignored.
 */
export function consistentDelimiter(text: string, sniffed: string, wholeFile: boolean): string | undefined {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (!wholeFile) lines.pop();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const sample = lines.slice(0, 200);
  if (sample.length < 2) return undefined;
  const consistent = (d: string): boolean => {
    const n = countFields(sample[0], d);
    return n >= 2 && sample.every((l) => countFields(l, d) === n);
  };
  if (sniffed !== '' && consistent(sniffed)) return undefined;
  return [';', '\t', '|', ','].find((d) => d !== sniffed && consistent(d));
}

/** Fields in the first line of `text` with this delimiter (quote-aware). */
export function fieldCount(text: string, delimiter: string): number {
  const end = text.indexOf('\n');
  return countFields((end < 0 ? text : text.slice(0, end)).replace(/\r$/, ''), delimiter);
}

function countFields(line: string, delimiter: string): number {
  let n = 1;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && line.startsWith(delimiter, i)) n++;
  }
  return n;
}
