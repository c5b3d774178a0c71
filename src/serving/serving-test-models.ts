/**
 * Test support: small models trained once per process on seeded synthetic data (a binary and a
 * regression GBDT over a numeric, a nullable numeric, a categorical and a boolean column), and an
 * in-memory endpoint list and model source for servers under test.
 */
import { NotFoundError } from '../core/errors.js';
import { frameFromRecords } from '../core/frame-builder.js';
import { Rng } from '../core/rng.js';
import { trainModel } from '../ml/train/train-model.js';
import { stringifyBundle } from '../runtime/bundle.js';
import type { EndpointRecord, EndpointSettings } from '../store/endpoint-repository.js';
import type { ModelSource, ResolvedModel } from './model-source.js';

/** The seeded synthetic rows the test models learn from (`testBundles` trains on `trainingRows(600, 5)`). */
export function trainingRows(n: number, seed: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const x = rng.normal();
    const z = rng.normal();
    const color = ['red', 'green', 'blue'][rng.int(3)];
    const flag = rng.next() < 0.5;
    const signal = 1.5 * x - z + (color === 'red' ? 1 : color === 'green' ? -1 : 0) + (flag ? 0.5 : 0);
    return { x, z: rng.next() < 0.05 ? null : z, color, flag, label: signal + 0.5 * rng.normal() > 0 ? 'pos' : 'neg', value: signal * 10 + rng.normal() };
  });
}

/** The bundle texts `testBundles` trains. */
export interface TestBundles {
  binary: string;
  regression: string;
  binaryB: string;
  /** Regression on the numeric columns only (x, z, flag). */
  numeric: string;
}

let cache: Promise<TestBundles> | undefined;

/** Bundle texts: `binary` (label neg/pos), `binaryB` (same data, another seed), `regression` (value). */
export function testBundles(): Promise<TestBundles> {
  cache ??= (async () => {
    const frame = frameFromRecords(trainingRows(600, 5));
    const params = { numTrees: 20 };
    const common = { kilnVersion: 'test', params, validFraction: 0 };
    const binary = await trainModel(frame, { ...common, target: 'label', exclude: ['value'], seed: 1 });
    const binaryB = await trainModel(frame, { ...common, target: 'label', exclude: ['value'], seed: 2, params: { numTrees: 21 } });
    const regression = await trainModel(frame, { ...common, target: 'value', exclude: ['label'], seed: 1 });
    const numeric = await trainModel(frame, { ...common, target: 'value', exclude: ['label', 'color'], seed: 1 });
    return { binary: stringifyBundle(binary.bundle), binaryB: stringifyBundle(binaryB.bundle), regression: stringifyBundle(regression.bundle), numeric: stringifyBundle(numeric.bundle) };
  })();
  return cache;
}

/** Default settings for endpoints under test. */
export const TEST_SETTINGS: EndpointSettings = { unseenCategories: 'missing', batching: null, captureSampleRate: 0 };

/** An endpoint record for tests. */
export function testEndpoint(name: string, model: string, extra: Partial<EndpointRecord> = {}): EndpointRecord {
  return { project: 'default', name, variants: [{ name: 'main', model, weight: 1 }], settings: TEST_SETTINGS, createdAt: 'x', updatedAt: 'x', revision: 1, ...extra };
}

/** A mutable endpoint list with a change counter (what the store's repository offers the router). */
export class MemoryEndpoints {
  private version = 1;
  constructor(public records: EndpointRecord[]) {}
  set(records: EndpointRecord[]): void {
    this.records = records;
    this.version++;
  }
  async listAll(): Promise<EndpointRecord[]> {
    return this.records;
  }
  async changeVersion(): Promise<number> {
    return this.version;
  }
}

/** A model source over named bundle texts; `alias(name, target)` makes `name` a moving reference. */
export class MemoryModelSource implements ModelSource {
  readonly loads: string[] = [];
  private readonly aliases = new Map<string, string>();
  constructor(private readonly bundles: Map<string, string>) {}
  alias(name: string, target: string): void {
    this.aliases.set(name, target);
  }
  async resolve(ref: string): Promise<ResolvedModel> {
    const target = this.aliases.get(ref) ?? ref;
    const text = this.bundles.get(target);
    if (text === undefined) throw new NotFoundError(`model "${ref}" not found`, { field: 'model' });
    return {
      key: target,
      moving: this.aliases.has(ref),
      load: async () => {
        this.loads.push(target);
        return text;
      },
    };
  }
}
