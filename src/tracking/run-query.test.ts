/** The run search language: what parses, and malformed queries pointing at their position. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { parseRunOrder, parseRunQuery } from './run-query.js';

describe('parseRunQuery', () => {
  it('parses the documented example', () => {
    expect(parseRunQuery(`metrics.valid.roc_auc > 0.8 and params.algo = "gbdt" and tags.team = 'risk' and status = "finished"`)).toEqual([
      { kind: 'metric', key: 'valid.roc_auc', op: '>', value: 0.8 },
      { kind: 'param', key: 'algo', op: '=', value: 'gbdt' },
      { kind: 'tag', key: 'team', op: '=', value: 'risk' },
      { kind: 'attribute', key: 'status', op: '=', value: 'finished' },
    ]);
  });

  it('handles quoted keys, in-lists, like, negative and exponent numbers, times', () => {
    expect(parseRunQuery('params.`learning rate` in ("0.1", 0.05) AND metrics.loss <= -1.5e-3')).toEqual([
      { kind: 'param', key: 'learning rate', op: 'in', value: ['0.1', 0.05] },
      { kind: 'metric', key: 'loss', op: '<=', value: -0.0015 },
    ]);
    expect(parseRunQuery('tags.owner ilike "%ann%" and startedAt >= "2026-01-01"')[1]).toEqual({ kind: 'attribute', key: 'startedAt', op: '>=', value: '2026-01-01' });
    expect(parseRunQuery('params.max_depth = 6')).toEqual([{ kind: 'param', key: 'max_depth', op: '=', value: '6' }]);
    expect(parseRunQuery('   ')).toEqual([]);
  });

  const bad: [string, number, RegExp][] = [
    ['metrics.auc >', 13, /found the end/],
    ['metrics.auc > "high"', 14, /metrics compare with numbers/],
    ['params.algo > 3', 12, /params and tags are strings/],
    ['color = "red"', 0, /unknown field "color"/],
    ['status = "a" or status = "b"', 13, /"or" is not supported/],
    ['tags.team = "risk', 12, /unterminated string/],
    ['metrics.auc ~ 1', 12, /unexpected "~"/],
    ['startedAt > "yesterday"', 12, /not an ISO-8601 time/],
  ];
  for (const [q, pos, msg] of bad) {
    it(`refuses ${JSON.stringify(q)} at position ${pos}`, () => {
      try {
        parseRunQuery(q);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        expect((err as UsageError).details.position).toBe(pos);
        expect((err as UsageError).message).toMatch(msg);
      }
    });
  }
});

describe('parseRunOrder', () => {
  it('parses fields with directions', () => {
    expect(parseRunOrder('metrics.valid.roc_auc desc, startedAt')).toEqual([
      { kind: 'metric', key: 'valid.roc_auc', direction: 'desc' },
      { kind: 'attribute', key: 'startedAt', direction: 'asc' },
    ]);
    expect(() => parseRunOrder('metrics.auc sideways')).toThrow(UsageError);
  });
});
