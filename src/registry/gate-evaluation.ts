/**
 * Evaluating a version against its model's gate policy: metric thresholds on the stored evaluation, the
 * champion comparison (stored metrics when both were evaluated on the same dataset version and split,
 * otherwise both models re-scored on the challenger's evaluation dataset or the one the policy names),
 * and the training data's expectation suites. Every check reports what it compared, so a failing gate
 * explains itself.
 */
import { KilnError } from '../core/errors.js';
import { loadAttachedSuite } from '../data/ingest/dataset-suites.js';
import type { DatasetService } from '../data/datasets/dataset-service.js';
import { readFrameChunks } from '../data/io/read-frame.js';
import { validateFrames } from '../data/validation/validate-frames.js';
import { getMetric } from '../ml/metrics/metric-registry.js';
import type { Scorer } from '../runtime/scorer.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { ModelDatasetRef, ModelVersionRecord } from '../store/model-registry-repository.js';
import { evaluateBundle } from './evaluate-bundle.js';
import type { GatePolicy } from './gate-policy.js';
import { parseThreshold, thresholdHolds } from './threshold-expression.js';

/** One gate's outcome. */
export interface GateCheck {
  readonly gate: 'threshold' | 'champion' | 'validated-data';
  /** What was checked (`auc >= 0.80`, `roc_auc vs champion@3`, `churn@1`). */
  readonly name: string;
  readonly passed: boolean;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

/** Every gate of a version. */
export interface GateReport {
  readonly ref: string;
  readonly passed: boolean;
  readonly checks: GateCheck[];
  readonly evaluatedAt: string;
}

/** What gate evaluation needs from the registry. */
export interface GateContext {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly datasets: DatasetService;
  /** The compiled bundle of a version (kiln-bundle format only). */
  scorerOf(version: ModelVersionRecord): Promise<Scorer>;
}

/** Evaluates `policy` for `version` (no policy: passes with no checks). */
export async function evaluateGates(ctx: GateContext, version: ModelVersionRecord, policy: GatePolicy | null, now: Date = new Date()): Promise<GateReport> {
  const ref = `${version.name}@${version.version}`;
  const checks: GateCheck[] = [];
  if (policy) {
    for (const [i, text] of policy.thresholds.entries()) checks.push(thresholdCheck(version, text, i));
    if (policy.champion) checks.push(await championCheck(ctx, version, policy.champion));
    if (policy.requireValidatedData) checks.push(...(await validatedDataChecks(ctx, version)));
  }
  return { ref, passed: checks.every((c) => c.passed), checks, evaluatedAt: now.toISOString() };
}

function thresholdCheck(version: ModelVersionRecord, text: string, i: number): GateCheck {
  const t = parseThreshold(text, `policy.thresholds[${i}]`);
  const value = version.evaluation?.metrics[t.metric];
  if (value === undefined) return { gate: 'threshold', name: t.source, passed: false, message: `the version has no evaluation metric ${t.metric}`, details: { metric: t.metric } };
  const passed = thresholdHolds(t, value);
  return { gate: 'threshold', name: t.source, passed, message: `${t.metric} = ${value} ${passed ? 'satisfies' : 'fails'} ${t.op} ${t.value}`, details: { metric: t.metric, value, op: t.op, threshold: t.value } };
}

async function championCheck(ctx: GateContext, challenger: ModelVersionRecord, gate: NonNullable<GatePolicy['champion']>): Promise<GateCheck> {
  const name = `${gate.metric} vs ${challenger.name}@${gate.alias}`;
  const champion = await ctx.metadata.models.resolve(challenger.project, challenger.name, { kind: 'alias', alias: gate.alias });
  if (!champion) return { gate: 'champion', name, passed: true, message: `no version is ${gate.alias} yet: nothing to compare with` };
  if (champion.version === challenger.version) return { gate: 'champion', name, passed: true, message: `this version is the ${gate.alias}` };
  const higher = getMetric(gate.metric).higherIsBetter;
  // Data that cannot be scored (no target column, classes never seen) fails the check with the reason.
  const compared = await comparedMetrics(ctx, challenger, champion, gate).catch((err: unknown): Compared => {
    if (err instanceof KilnError && err.code !== 'internal') return { error: `cannot compare with the ${gate.alias}: ${err.message}` };
    throw err;
  });
  if ('error' in compared) return { gate: 'champion', name, passed: false, message: compared.error, details: { champion: champion.version } };
  const drop = higher ? compared.champion - compared.challenger : compared.challenger - compared.champion;
  const passed = drop <= gate.maxDrop + 1e-12;
  return {
    gate: 'champion',
    name,
    passed,
    message: `${gate.metric}: challenger ${compared.challenger} vs champion (version ${champion.version}) ${compared.champion} on ${compared.on}; ${higher ? 'higher' : 'lower'} is better, drop ${drop} ${passed ? '<=' : '>'} allowed ${gate.maxDrop}`,
    details: { champion: champion.version, challengerValue: compared.challenger, championValue: compared.champion, drop, maxDrop: gate.maxDrop, on: compared.on, rescored: compared.rescored, ...(compared.warning ? { warning: compared.warning } : {}) },
  };
}

type Compared = { challenger: number; champion: number; on: string; rescored: boolean; warning?: string } | { error: string };

function sameDataset(a: ModelDatasetRef | null | undefined, b: ModelDatasetRef | null | undefined): boolean {
  return a != null && b != null && a.name === b.name && a.version === b.version && a.hash === b.hash;
}

async function comparedMetrics(ctx: GateContext, challenger: ModelVersionRecord, champion: ModelVersionRecord, gate: NonNullable<GatePolicy['champion']>): Promise<Compared> {
  const a = challenger.evaluation;
  const b = champion.evaluation;
  let target: ModelDatasetRef | null = null;
  if (gate.dataset !== undefined) {
    const resolved = await ctx.datasets.resolveReference(gate.dataset, 'policy.champion.dataset');
    target = resolved.dataset;
  }
  const storedOn = (e: typeof a): boolean => (target === null ? true : sameDataset(e?.dataset, target) && e?.split === 'full');
  if (a && b && sameDataset(a.dataset, b.dataset) && a.split === b.split && storedOn(a) && gate.metric in a.metrics && gate.metric in b.metrics) {
    const ds = a.dataset as ModelDatasetRef;
    return { challenger: a.metrics[gate.metric], champion: b.metrics[gate.metric], on: `${ds.name}@${ds.version} (${a.split}, stored evaluations)`, rescored: false };
  }
  target ??= a?.dataset ?? null;
  if (target === null) return { error: 'the challenger has no evaluation dataset to compare on; set champion.dataset in the gate policy or register with an evaluation dataset' };
  if (challenger.format !== 'kiln-bundle' || champion.format !== 'kiln-bundle') return { error: `re-scoring needs Kiln bundles; ${challenger.format === 'kiln-bundle' ? 'the champion' : 'the challenger'} is ${challenger.format === 'kiln-bundle' ? champion.format : challenger.format}` };
  const data = await ctx.datasets.resolveReference(`${target.name}@${target.version}`, 'evaluation dataset');
  const label = `${target.name}@${target.version}`;
  const challengerMetrics = await evaluateBundle(await ctx.scorerOf(challenger), data.path, data.readOptions, label);
  const championMetrics = await evaluateBundle(await ctx.scorerOf(champion), data.path, data.readOptions, label);
  if (!(gate.metric in challengerMetrics)) return { error: `metric ${gate.metric} is not computed for ${challenger.task ?? 'this'} models` };
  const trainedOn = [challenger, champion].filter((v) => v.trainingDatasets.some((d) => sameDataset(d, target))).map((v) => v.version);
  return {
    challenger: challengerMetrics[gate.metric],
    champion: championMetrics[gate.metric],
    on: `${label} (full, re-scored)`,
    rescored: true,
    ...(trainedOn.length > 0 ? { warning: `${label} is training data of version(s) ${trainedOn.join(', ')}: their scores on it are optimistic` } : {}),
  };
}

async function validatedDataChecks(ctx: GateContext, version: ModelVersionRecord): Promise<GateCheck[]> {
  if (version.trainingDatasets.length === 0) return [{ gate: 'validated-data', name: 'training data', passed: false, message: 'no registered training dataset is recorded for this version' }];
  const out: GateCheck[] = [];
  for (const d of version.trainingDatasets) {
    const name = `${d.name}@${d.version}`;
    const suite = await loadAttachedSuite(ctx.metadata, ctx.artifacts, d.name);
    if (!suite) {
      out.push({ gate: 'validated-data', name, passed: false, message: `no expectation suite is attached to dataset ${d.name} (kiln data attach-suite ${d.name} SUITE.json)` });
      continue;
    }
    const data = await ctx.datasets.resolveReference(name, 'training dataset');
    const result = await validateFrames(readFrameChunks(data.path, data.readOptions), suite);
    const failed = result.results.filter((r) => !r.success && r.severity === 'error').map((r) => r.id);
    out.push({
      gate: 'validated-data',
      name,
      passed: result.success,
      message: result.success ? `${name} passes suite "${result.suite}" (${result.rows} rows)` : `${name} fails suite "${result.suite}": ${failed.slice(0, 5).join(', ')}`,
      details: { suite: result.suite, rows: result.rows, failed },
    });
  }
  return out;
}
