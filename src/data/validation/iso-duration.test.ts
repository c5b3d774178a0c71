/** ISO-8601 durations for freshness windows. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { durationToMs } from './iso-duration.js';

describe('durationToMs', () => {
  it('parses days, weeks, times and fractions; numbers are seconds', () => {
    expect(durationToMs('P1D', 'x')).toBe(86_400_000);
    expect(durationToMs('PT6H', 'x')).toBe(6 * 3_600_000);
    expect(durationToMs('P1DT12H30M', 'x')).toBe(86_400_000 + 12.5 * 3_600_000);
    expect(durationToMs('P2W', 'x')).toBe(14 * 86_400_000);
    expect(durationToMs('PT0.5S', 'x')).toBe(500);
    expect(durationToMs('P1Y', 'x')).toBe(365 * 86_400_000);
    expect(durationToMs('p1m', 'x')).toBe(30 * 86_400_000);
    expect(durationToMs(90, 'x')).toBe(90_000);
  });
  it('rejects malformed durations with an InputError naming the place', () => {
    for (const bad of ['P', 'PT', '1D', 'P1H', 'PT1D', 'P1DT', 'soon']) {
      expect(() => durationToMs(bad, 'expectations[2]'), bad).toThrow(InputError);
    }
    expect(() => durationToMs('1 day', 'expectations[2]')).toThrow(/expectations\[2\]: "1 day" is not an ISO-8601 duration/);
  });
});
