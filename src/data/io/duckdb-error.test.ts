/** DuckDB failures: bad data is InputError (exit 2 / 4xx); a full disk, no memory or a device I/O error is internal (exit 3 / 5xx). */
import { describe, expect, it } from 'vitest';
import { exitCodeFor, httpStatusFor } from '../../core/errors.js';
import { translateDuckDbError } from './duckdb-error.js';

describe('translateDuckDbError', () => {
  it('blames the data for malformed input', () => {
    const e = translateDuckDbError(new Error('Invalid Input Error: CSV Error on Line: 7\nExpected Number of Columns: 3 Found: 4'), 'a.csv');
    expect(e.code).toBe('input');
    expect(e.details).toMatchObject({ file: 'a.csv', line: 7 });
    expect(translateDuckDbError(new Error('IO Error: No files found that match the pattern "x.csv"'), 'x.csv').code).toBe('not_found');
  });

  it('treats a full disk, exhausted memory and device I/O errors as internal', () => {
    for (const raw of [
      'IO Error: Could not write file "/tmp/x": No space left on device',
      'Out of Memory Error: failed to allocate data of size 64.0 MiB (1.9 GiB/2.0 GiB used)',
      'IO Error: Could not read from file "/data/a.parquet": Input/output error',
    ]) {
      const e = translateDuckDbError(new Error(raw), '/data/a.parquet');
      expect(e.code).toBe('internal');
      expect(exitCodeFor(e)).toBe(3);
      expect(httpStatusFor(e)).toBe(500);
    }
  });
});
