/** The gate threshold grammar and the model reference syntax: what parses, and where errors point. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { checkGatePolicy } from './gate-policy.js';
import { looksLikeModelRef, parseModelRef } from './model-ref.js';
import { parseThreshold, thresholdHolds } from './threshold-expression.js';

function positionOf(text: string): number {
  try {
    parseThreshold(text);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as UsageError).details.position as number;
  }
  throw new Error(`${text} parsed`);
}

describe('parseThreshold', () => {
  it('parses METRIC OP NUMBER with aliases, exponents and spacing', () => {
    expect(parseThreshold('auc >= 0.80')).toEqual({ metric: 'roc_auc', op: '>=', value: 0.8, source: 'auc >= 0.80' });
    expect(parseThreshold('  log_loss<.35 ')).toMatchObject({ metric: 'log_loss', op: '<', value: 0.35 });
    expect(parseThreshold('ndcg@10 > 1e-1')).toMatchObject({ metric: 'ndcg@10', op: '>', value: 0.1 });
    expect(parseThreshold('rmse != -2')).toMatchObject({ op: '!=', value: -2 });
    const t = parseThreshold('auc >= 0.8');
    expect([thresholdHolds(t, 0.8), thresholdHolds(t, 0.79)]).toEqual([true, false]);
  });

  it('points at the 1-based position of the problem', () => {
    expect(positionOf('')).toBe(1);
    expect(positionOf('>= 0.8')).toBe(1);
    expect(positionOf('aucc >= 0.8')).toBe(1);
    expect(positionOf('auc => 0.8')).toBe(5);
    expect(positionOf('auc >= ')).toBe(8);
    expect(positionOf('auc >= 0.8 and')).toBe(12);
    expect(positionOf('auc >= 1e999')).toBe(13);
    expect(() => parseThreshold('auc > 0.8 ' + 'x'.repeat(300))).toThrow(/longer than/);
    expect(() => parseThreshold(42)).toThrow(UsageError);
    expect(() => parseThreshold('auc >> 1')).toThrow(/at position 6\n {2}auc >> 1\n {2} {5}\^/);
  });

  it('checks gate policies field by field', () => {
    expect(checkGatePolicy({ thresholds: ['auc >= 0.8'], champion: { metric: 'auc', maxDrop: 0.01 } })).toEqual({ thresholds: ['auc >= 0.8'], champion: { alias: 'champion', metric: 'roc_auc', maxDrop: 0.01 }, requireValidatedData: false });
    expect(() => checkGatePolicy({ threshold: [] })).toThrow(/unknown field "threshold"/);
    expect(() => checkGatePolicy({ champion: { metric: 'roc_auc', maxDrop: 0, dataset: 'holdout@latest' } })).toThrow(/fixed version/);
    expect(() => checkGatePolicy({ champion: { metric: 'roc_auc', maxDrop: 0, alias: 'latest' } })).toThrow(/invalid alias/);
    expect(() => checkGatePolicy({ requireValidatedData: 'yes' })).toThrow(UsageError);
    expect(() => checkGatePolicy([])).toThrow(UsageError);
  });
});

describe('parseModelRef', () => {
  it('parses versions, aliases, stages and latest', () => {
    expect(parseModelRef('churn@3').selector).toEqual({ kind: 'version', version: 3 });
    expect(parseModelRef('churn@champion').selector).toEqual({ kind: 'alias', alias: 'champion' });
    expect(parseModelRef('churn@production').selector).toEqual({ kind: 'stage', stage: 'production' });
    expect(parseModelRef('churn.v2@latest')).toEqual({ name: 'churn.v2', selector: { kind: 'latest' } });
    expect(parseModelRef('churn', 'ref', true).selector).toEqual({ kind: 'latest' });
  });

  it('refuses malformed references with a UsageError naming the field', () => {
    for (const ref of ['churn', '@1', 'churn@', 'churn@0', 'churn@-1', 'churn@Prod', 'a/b@1', '..@1', 'churn@archived', 'churn@1.5', 'x'.repeat(200) + '@1', 'churn@9007199254740993']) {
      expect(() => parseModelRef(ref, 'model'), ref).toThrow(UsageError);
    }
    expect(looksLikeModelRef('churn@champion')).toBe(true);
    expect(looksLikeModelRef('./models/m.json')).toBe(false);
    expect(looksLikeModelRef('/tmp/a@b/m.json')).toBe(false);
  });
});
