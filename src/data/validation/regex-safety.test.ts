/** Regex screening: catastrophic shapes are refused before they can run; safe ones compile. */
import { describe, expect, it } from 'vitest';
import { frameFromRecords } from '../../core/frame-builder.js';
import { compileSafeRegex, findCatastrophicShape, MAX_PATTERN_LENGTH } from './regex-safety.js';
import { parseSuite } from './suite.js';
import { validateFrames } from './validate-frames.js';

describe('regex safety', () => {
  it('flags nested quantifiers, quantified alternation and backreferences in repeated groups', () => {
    for (const p of ['(a+)+$', '^(a+)+$', '(a|a)*', '(.*)*', '(\\d+)*x', '((ab)*)+', '(a*){2,}', '(?:x+y?)+', '(a)(\\1)+', '(a\\1)*', '(?<n>a+)+', '(a+){10}']) {
      expect(findCatastrophicShape(p), p).not.toBeNull();
    }
  });
  it('accepts ordinary patterns', () => {
    for (const p of ['^[a-z]+$', '^\\d{3}-\\d{4}$', '^(ab)+$', '^(foo|bar)$', '^[A-Z]{2}\\d{2}(\\d{4}){4}$', '^a(b|c)d$', '[(+)]+']) {
      expect(findCatastrophicShape(p), p).toBeNull();
    }
  });
  it('caps pattern length and reports invalid syntax as InputError', () => {
    expect(() => compileSafeRegex('a'.repeat(MAX_PATTERN_LENGTH + 1), 'u', 'test')).toThrow(/at most/);
    expect(() => compileSafeRegex('[a-', 'u', 'test')).toThrow(/invalid regex/);
  });
  it('never runs (a+)+$ on a long "aaaa...!" string', async () => {
    const t0 = performance.now();
    const frame = frameFromRecords([{ s: 'a'.repeat(50_000) + '!' }], { fields: [{ name: 's', type: 'text', nullable: true }] });
    expect(() => parseSuite({ suiteVersion: 1, name: 'x', expectations: [{ type: 'column_values_match_regex', column: 's', pattern: '(a+)+$' }] })).toThrow(/unsafe/);
    // A safe pattern on an over-long value: not tested, fails instead.
    const suite = parseSuite({ suiteVersion: 1, name: 'x', expectations: [{ type: 'column_values_match_regex', column: 's', pattern: '^a+$' }] });
    const res = await validateFrames([frame], suite);
    expect(res.results[0].failingRows).toBe(1);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
