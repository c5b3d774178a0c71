/** Suite parsing: strict fields, typed errors naming JSON paths, early compile of regexes/rules/durations. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../../core/errors.js';
import { loadSuite, parseSuite } from './suite.js';

const ok = {
  suiteVersion: 1,
  name: 'customers',
  expectations: [
    { type: 'column_exists', column: 'age' },
    { type: 'column_max_missing', column: 'age', maxMissing: 0.1, severity: 'warning' },
    { type: 'column_values_between', column: 'age', min: 0, max: 120, id: 'age_range' },
  ],
};

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseSuite', () => {
  it('parses a valid suite, applies defaults and freezes it', () => {
    const s = parseSuite(ok);
    expect(s.name).toBe('customers');
    expect(s.expectations).toHaveLength(3);
    expect(s.expectations[0].severity).toBe('error');
    expect(s.expectations[1].severity).toBe('warning');
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.expectations[0])).toBe(true);
  });

  it('names the JSON path of an unknown field', () => {
    const bad = { ...ok, expectations: [...ok.expectations, { type: 'column_exists', column: 'x', maxMissing: 0.2 }] };
    expect(errorOf(() => parseSuite(bad)).message).toContain('expectations[3].maxMissing: unknown field');
  });

  it('names the JSON path of a wrong type and of a missing field', () => {
    const bad = { ...ok, expectations: [{ type: 'column_max_missing', column: 'a', maxMissing: 'lots' }, { type: 'column_exists' }] };
    const msg = errorOf(() => parseSuite(bad)).message;
    expect(msg).toMatch(/expectations\[0\]\.maxMissing: expected number/);
    expect(msg).toContain('expectations[1].column: required field is missing');
    const nested = errorOf(() =>
      parseSuite({ ...ok, expectations: [{ type: 'column_values_in_set', column: 'a', values: ['x', {}] }, { type: 'column_exists', column: 'b', severity: 'fatal' }, { type: 'column_freshness', column: 't', maxAge: true }] }),
    ).message;
    expect(nested).toContain('expectations[0].values[1]: expected string or number or boolean');
    expect(nested).toContain('expectations[1].severity: expected one of "error"|"warning"');
    expect(nested).toContain('expectations[2].maxAge: expected string or number');
  });

  it('rejects unknown top-level fields, unknown types, bad versions and duplicate ids', () => {
    expect(errorOf(() => parseSuite({ ...ok, extra: 1 })).message).toContain('extra: unknown field');
    expect(errorOf(() => parseSuite({ ...ok, expectations: [{ type: 'column_is_pretty', column: 'a' }] })).message).toContain('expectations[0].type: unknown expectation type "column_is_pretty"');
    expect(errorOf(() => parseSuite({ ...ok, suiteVersion: 2 })).message).toContain('unsupported version 2');
    expect(errorOf(() => parseSuite({ ...ok, expectations: [{ type: 'column_exists', column: 'a', id: 'x' }, { type: 'column_exists', column: 'b', id: 'x' }] })).message).toContain(
      'expectations[1].id: duplicate id "x"',
    );
    expect(errorOf(() => parseSuite({ ...ok, expectations: [{ type: 'column_values_between', column: 'a' }] })).message).toContain('give min, max or both');
    expect(errorOf(() => parseSuite('nope')).message).toContain('invalid expectation suite');
  });

  it('rejects a catastrophic regex fast, naming the expectation', () => {
    const t0 = performance.now();
    const err = errorOf(() => parseSuite({ ...ok, expectations: [{ type: 'column_values_match_regex', column: 'name', pattern: '(a+)+$', id: 'name_re' }] }));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(err.message).toContain('expectations[0] (column_values_match_regex "name_re")');
    expect(err.message).toContain('unsafe');
  });

  it('rejects malformed rules and durations at parse time', () => {
    expect(errorOf(() => parseSuite({ ...ok, expectations: [{ type: 'table_rule', rule: 'a >= ' }] })).message).toContain('unexpected end of rule at position 5');
    expect(errorOf(() => parseSuite({ ...ok, expectations: [{ type: 'column_freshness', column: 't', maxAge: '1 day' }] })).message).toContain('not an ISO-8601 duration');
  });
});

describe('loadSuite', () => {
  it('reads a file and names it in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-suite-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(ok));
    expect((await loadSuite(good)).name).toBe('customers');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "suiteVersion": 1, ');
    await expect(loadSuite(broken)).rejects.toThrow(/broken\.json is not valid JSON/);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ ...ok, nme: 'x' }));
    await expect(loadSuite(wrong)).rejects.toThrow(/wrong\.json: .*nme: unknown field/);
    await expect(loadSuite(join(dir, 'missing.json'))).rejects.toBeInstanceOf(NotFoundError);
  });
});
