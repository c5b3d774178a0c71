/**
 * What `kiln train` records on its run: params (algo, task, target, seed and the hyper-parameters), the
 * per-iteration curves as metric series keyed by split (`train.logloss`, `valid.auc`, step = iteration),
 * the test metrics as `test.<metric>`, the bundle (already stored) as an artifact and output, the trained model id as an output, and the dataset version
 * read as an input, and the feature lineage of a feature-store training set as the `kiln.features` tag. One metric batch (one transaction) for all curves.
 */
import type { FeatureLineage } from './feature-lineage.js';
import { FEATURE_LINEAGE_TAG } from './feature-lineage.js';
import type { MetricInput, ParamValue, ActiveRun } from './tracking-service.js';

/** The parts of a training result the run records. */
export interface TrainingRecord {
  algo: string;
  task: string;
  target: string;
  seed: number;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  bestIteration?: number;
  history?: { train: Record<string, number[]>; valid?: Record<string, number[]> };
  rows: { train: number; valid: number; test: number };
  dataset?: { name: string; version: number; hash: string };
  /** The stored bundle (already in the artifact store). */
  bundle: { path: string; hash: string; size: number };
  /** The trained model's id, when the training service recorded one. */
  modelId?: string;
  /** The feature service and view versions of the training set, when it came from `kiln features training-set`. */
  featureLineage?: FeatureLineage | null;
}

/** GBDT eval-metric names (XGBoost's) to Kiln's metric names, so `valid.roc_auc` lines up with `test.roc_auc`. */
export const CURVE_NAMES: Readonly<Record<string, string>> = { auc: 'roc_auc', logloss: 'log_loss', mlogloss: 'log_loss', merror: 'error_rate' };

/** Logs a finished training on `run`. */
export async function recordTraining(run: ActiveRun, t: TrainingRecord): Promise<void> {
  const params: Record<string, ParamValue> = { algo: t.algo, task: t.task, target: t.target, seed: t.seed };
  for (const [k, v] of Object.entries(t.params)) params[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  await run.logParams(params);
  const now = Date.now();
  const points: MetricInput[] = [];
  for (const split of ['train', 'valid'] as const) {
    for (const [name, values] of Object.entries(t.history?.[split] ?? {})) values.forEach((value, step) => points.push({ key: `${split}.${CURVE_NAMES[name] ?? name}`, value, step, timestamp: now }));
  }
  for (const [name, value] of Object.entries(t.metrics)) points.push({ key: `test.${name}`, value, step: 0, timestamp: now });
  await run.logMetrics(points);
  const tags: Record<string, string> = { 'rows.train': String(t.rows.train), 'rows.valid': String(t.rows.valid), 'rows.test': String(t.rows.test) };
  if (t.bestIteration !== undefined) tags.bestIteration = String(t.bestIteration);
  if (t.featureLineage) tags[FEATURE_LINEAGE_TAG] = JSON.stringify(t.featureLineage);
  await run.setTags(tags);
  if (t.dataset) await run.logInputs([t.dataset]);
  await run.addArtifact(t.bundle);
  await run.logOutputs([{ kind: 'bundle', ref: t.bundle.hash }, ...(t.modelId ? [{ kind: 'model', ref: t.modelId }] : [])]);
}
