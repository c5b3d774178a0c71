/**
 * A model's gate policy: what a version must pass before it may become `production` or the champion.
 * Plain data, checked at the boundary (every error names the field, threshold errors the position):
 *   { "thresholds": ["auc >= 0.80"],
 *     "champion": { "alias": "champion", "metric": "roc_auc", "maxDrop": 0.01, "dataset": "holdout@3" },
 *     "requireValidatedData": true }
 */
import { UsageError } from '../core/errors.js';
import { checkDatasetRef } from '../data/datasets/data-ref.js';
import { getMetric } from '../ml/metrics/metric-registry.js';
import { checkAliasName } from './model-ref.js';
import { canonicalMetricName, parseThreshold } from './threshold-expression.js';

/** "Not worse than the current champion by more than `maxDrop` of `metric`." */
export interface ChampionGate {
  /** The alias that names the champion (default `champion`). */
  readonly alias: string;
  readonly metric: string;
  /** Largest allowed loss in the metric's better direction (0 = must be at least as good). */
  readonly maxDrop: number;
  /** Compare on this dataset version (`NAME@VERSION`); default: the challenger's evaluation dataset. */
  readonly dataset?: string;
}

/** A checked gate policy. */
export interface GatePolicy {
  readonly thresholds: readonly string[];
  readonly champion?: ChampionGate;
  /** Every training dataset must pass the expectation suite attached to it. */
  readonly requireValidatedData: boolean;
}

const KEYS = new Set(['thresholds', 'champion', 'requireValidatedData']);
const CHAMPION_KEYS = new Set(['alias', 'metric', 'maxDrop', 'dataset']);

/** Check a policy document; returns it normalized (defaults filled, metric names canonical). */
export function checkGatePolicy(input: unknown): GatePolicy {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new UsageError('gate policy must be a JSON object', { field: 'policy' });
  const doc = input as Record<string, unknown>;
  for (const k of Object.keys(doc)) if (!KEYS.has(k)) throw new UsageError(`gate policy has an unknown field "${k.slice(0, 60)}"`, { field: `policy.${k.slice(0, 60)}` }, 'Known fields: thresholds, champion, requireValidatedData.');
  const thresholds = doc.thresholds ?? [];
  if (!Array.isArray(thresholds) || thresholds.length > 50) throw new UsageError('policy.thresholds must be an array of at most 50 strings', { field: 'policy.thresholds' });
  thresholds.forEach((t, i) => parseThreshold(t, `policy.thresholds[${i}]`));
  const requireValidatedData = doc.requireValidatedData ?? false;
  if (typeof requireValidatedData !== 'boolean') throw new UsageError('policy.requireValidatedData must be true or false', { field: 'policy.requireValidatedData' });
  let champion: ChampionGate | undefined;
  if (doc.champion !== undefined && doc.champion !== null) {
    const c = doc.champion as Record<string, unknown>;
    if (typeof c !== 'object' || Array.isArray(c)) throw new UsageError('policy.champion must be an object {metric, maxDrop, alias?, dataset?}', { field: 'policy.champion' });
    for (const k of Object.keys(c)) if (!CHAMPION_KEYS.has(k)) throw new UsageError(`policy.champion has an unknown field "${k.slice(0, 60)}"`, { field: `policy.champion.${k.slice(0, 60)}` });
    if (typeof c.metric !== 'string') throw new UsageError('policy.champion.metric must be a metric name', { field: 'policy.champion.metric' });
    const metric = canonicalMetricName(c.metric);
    try {
      getMetric(metric);
    } catch {
      throw new UsageError(`policy.champion.metric: unknown metric "${c.metric.slice(0, 60)}"`, { field: 'policy.champion.metric' });
    }
    if (typeof c.maxDrop !== 'number' || !Number.isFinite(c.maxDrop) || c.maxDrop < 0) throw new UsageError('policy.champion.maxDrop must be a number >= 0', { field: 'policy.champion.maxDrop' });
    const alias = c.alias === undefined ? 'champion' : checkAliasName(c.alias, 'policy.champion.alias');
    if (c.dataset !== undefined) {
      const ref = checkDatasetRef(c.dataset, 'policy.champion.dataset');
      if (ref.version === 'latest') throw new UsageError('policy.champion.dataset must name a fixed version (NAME@3), not latest', { field: 'policy.champion.dataset' });
    }
    champion = { alias, metric, maxDrop: c.maxDrop, ...(typeof c.dataset === 'string' ? { dataset: c.dataset } : {}) };
  }
  return { thresholds: thresholds as string[], ...(champion ? { champion } : {}), requireValidatedData };
}
