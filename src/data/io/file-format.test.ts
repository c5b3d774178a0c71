import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { detectFormat } from './file-format.js';
import { quoteIdentifier, quoteLiteral } from './sql-quote.js';

describe('detectFormat', () => {
  it('maps extensions, case-insensitively, through .gz', () => {
    const cases: [string, string][] = [
      ['a.csv', 'csv'],
      ['dir.v1/a.TSV', 'csv'],
      ['a.txt', 'csv'],
      ['a.csv.gz', 'csv'],
      ['a.parquet', 'parquet'],
      ['a.json', 'json'],
      ['a.ndjson', 'ndjson'],
      ['a.jsonl.gz', 'ndjson'],
    ];
    for (const [path, format] of cases) expect(detectFormat(path), path).toBe(format);
  });

  it('rejects unknown extensions with a UsageError naming the file', () => {
    for (const path of ['a.xlsx', 'noext', 'dir.csv/file', 'a.gz']) {
      expect(() => detectFormat(path)).toThrow(UsageError);
    }
  });
});

describe('SQL quoting', () => {
  it('doubles embedded quotes', () => {
    expect(quoteIdentifier('a"; DROP TABLE t; --')).toBe('"a""; DROP TABLE t; --"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });
});
