/** On-demand feature views: definitions (type-checked at apply), training sets and online reads computing the same values. */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import type { FeatureTestKiln } from './feature-test-kiln.js';
import { openFeatureTestKiln, readRows } from './feature-test-kiln.js';
import { loadDefinitions } from './load-definitions.js';
import { parseDefinitions } from './parse-definitions.js';

const ON_DEMAND = `
onDemandFeatureViews:
  - name: txn
    request: [{ name: amount, type: float64 }]
    features:
      - { name: amount_over_balance, type: float64, expression: "amount / customer_stats__balance" }
      - { name: big, type: bool, expression: 'amount > 100 and customer_stats__segment != "a"' }
`;

/** The fixture's definitions plus an on-demand view and a service using it (customer_stats__balance only as an input). */
async function writeRepo(t: FeatureTestKiln): Promise<string> {
  const repo = join(t.dir, 'repo');
  await cp(join(import.meta.dirname, '../../test/fixtures/features/pit'), repo, { recursive: true });
  const yaml = (await readFile(join(repo, 'features.yaml'), 'utf8')) + ON_DEMAND;
  await writeFile(join(repo, 'features.yaml'), yaml.replace('featureServices:\n', 'featureServices:\n  - name: txn_v1\n    features: [activity:clicks, txn:amount_over_balance, txn:big]\n'));
  return repo;
}

describe('on-demand feature views', () => {
  let t: FeatureTestKiln;
  beforeEach(async () => {
    t = await openFeatureTestKiln();
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('computes them in training sets from point-in-time inputs and request columns, hiding input-only features', async () => {
    const repo = await writeRepo(t);
    await t.kiln.features.apply((await loadDefinitions(repo)).definitions);
    const entities = join(t.dir, 'entities.csv');
    // Customer 1 at 01-10 sees balance 30 (segment d); at 01-05 balance 25 (c); customer 2 at 01-10: 40 (f); customer 3: none.
    await writeFile(entities, 'customer_id,event_timestamp,amount\n1,2026-01-10T00:00:00Z,150\n1,2026-01-05T00:00:00Z,50\n2,2026-01-10T00:00:00Z,0\n3,2026-01-10T00:00:00Z,500\n1,2026-01-10T00:00:00Z,\n');
    const out = join(t.dir, 'train.csv');
    const lineage = await t.kiln.features.trainingSet({ entities, service: 'txn_v1', out });
    expect(lineage.columns).toEqual(['customer_id', 'event_timestamp', 'amount', 'activity__clicks', 'txn__amount_over_balance', 'txn__big']);
    expect(lineage.onDemandFeatureViews?.[0].name).toBe('txn');
    const rows = await readRows(out);
    expect(rows.map((r) => [r.txn__amount_over_balance, r.txn__big])).toEqual([
      ['5.0', 'true'],
      ['2.0', 'false'],
      ['0.0', 'false'],
      [null, null], // no balance or segment known: null, and `null and ...` with amount > 100 true is null
      [null, null], // no amount
    ]);
  });

  it('computes them online from stored values and requestData, the same as offline', async () => {
    const repo = await writeRepo(t);
    await t.kiln.features.apply((await loadDefinitions(repo)).definitions);
    const now = Date.parse('2026-01-10T00:00:00Z');
    await t.kiln.features.push('customer_stats', [{ customer_id: 1, event_ts: '2026-01-08T00:00:00Z', balance: 30, segment: 'd' }]);
    const res = await t.kiln.features.online({ service: 'txn_v1', entities: [{ customer_id: 1 }, { customer_id: 3 }], requestData: [{ amount: 150 }, { amount: 1 }], now });
    expect(res.features).toEqual(['activity__clicks', 'txn__amount_over_balance', 'txn__big']);
    expect(res.results[0].txn__amount_over_balance).toEqual({ status: 'present', value: 5, eventTime: null });
    expect(res.results[0].txn__big).toMatchObject({ status: 'present', value: true });
    expect(res.results[0]).not.toHaveProperty('customer_stats__balance');
    expect(res.results[1].txn__amount_over_balance).toMatchObject({ status: 'missing', value: null });
    const zero = await t.kiln.features.online({ features: ['txn:amount_over_balance', 'customer_stats:balance'], entities: [{ customer_id: 1 }], requestData: [{ amount: 3 }], now });
    expect(zero.results[0].customer_stats__balance.value).toBe(30);
    expect(zero.results[0].txn__amount_over_balance.value).toBe(0.1);
  });

  it('rejects bad request data by field, and entities files without the request column', async () => {
    const repo = await writeRepo(t);
    await t.kiln.features.apply((await loadDefinitions(repo)).definitions);
    const call = (requestData: unknown) => t.kiln.features.online({ service: 'txn_v1', entities: [{ customer_id: 1 }], requestData: requestData as Array<Record<string, number>> });
    await expect(call([{ amount: 'lots' }])).rejects.toThrow(/requestData\[0\]\.amount must be float64/);
    await expect(call([{ amount: 1 }, { amount: 2 }])).rejects.toBeInstanceOf(InputError);
    const entities = join(t.dir, 'no-amount.csv');
    await writeFile(entities, 'customer_id,event_timestamp\n1,2026-01-10T00:00:00Z\n');
    await expect(t.kiln.features.trainingSet({ entities, service: 'txn_v1', out: join(t.dir, 'x.csv') })).rejects.toThrow(/no column 'amount', a request field of on-demand feature view 'txn'/);
  });

  it('type-checks expressions at apply, naming the path; no eval, no function calls', () => {
    const base = (features: unknown[], request: unknown[] = [{ name: 'amount', type: 'float64' }]) => ({
      entities: [{ name: 'c', joinKeys: ['id'] }],
      featureViews: [{ name: 's', entities: ['c'], source: { path: 's.csv', timestampField: 'ts' }, features: [{ name: 'b', type: 'float64' }, { name: 'g', type: 'string' }] }],
      featureServices: [],
      onDemandFeatureViews: [{ name: 'o', request, features }],
    });
    const issueOf = (raw: unknown): string => {
      try {
        parseDefinitions(raw, '/x');
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as InputError).message;
      }
      return 'no error';
    };
    expect(issueOf(base([{ name: 'r', type: 'float64', expression: 'amount * s__b' }]))).toBe('no error');
    expect(issueOf(base([{ name: 'r', type: 'float64', expression: 'amount * nope' }]))).toMatch(/onDemandFeatureViews\[0\]\.features\[0\]\.expression: 'nope' is neither/);
    expect(issueOf(base([{ name: 'r', type: 'bool', expression: 'amount * s__b' }]))).toMatch(/features\[0\]\.type: the expression gives float64/);
    expect(issueOf(base([{ name: 'r', type: 'float64', expression: 'amount + s__g' }]))).toMatch(/needs numbers/);
    expect(issueOf(base([{ name: 'r', type: 'float64', expression: 'eval("1")' }]))).toMatch(/features\[0\]\.expression/);
    expect(issueOf(base([{ name: 'r', type: 'float64', expression: 'process.exit(1)' }]))).toMatch(/features\[0\]\.expression/);
    expect(issueOf(base([{ name: 'r', type: 'int64', expression: 'amount' }]))).toMatch(/features\[0\]\.type: must be one of float64, bool, string/);
    expect(issueOf(base([{ name: 'r', type: 'float64', expression: '' }]))).toMatch(/non-empty expression/);
    expect(issueOf(base([{ name: 'r', type: 'float64', expression: 'amount' }], [{ name: 'a__b', type: 'float64' }]))).toMatch(/request\[0\]\.name/);
    const clash = base([{ name: 'r', type: 'float64', expression: 'amount' }]);
    clash.onDemandFeatureViews[0].name = 's';
    expect(issueOf(clash)).toMatch(/duplicate name 's'/);
  });
});
