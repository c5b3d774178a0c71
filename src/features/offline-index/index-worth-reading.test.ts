import { describe, expect, it } from 'vitest';
import { indexSkippedForSize } from './index-worth-reading.js';

describe('indexSkippedForSize', () => {
  it('reads the index for few entity rows, small indexes and unknown counts; scans past 10% of a large index', () => {
    expect(indexSkippedForSize(17_000, 1_700_000)).toBeNull();
    expect(indexSkippedForSize(170_000, 1_700_000)).toBeNull();
    expect(indexSkippedForSize(undefined, 5_000_000)).toBeNull();
    expect(indexSkippedForSize(900_000, 999_999)).toBeNull();
    expect(indexSkippedForSize(170_001, 1_700_000)).toMatch(/170001 entity rows are over 10% of the index's 1700000 entries/);
    expect(indexSkippedForSize(1_000_000, 5_000_000)).toMatch(/^scanned: /);
  });
});
