/**
 * Feature lineage of a model: `kiln features training-set` writes `OUT.lineage.json` beside a training
 * set; training on that file seals the feature service, registry version and feature-view versions it
 * came from into the bundle (`metadata.featureLineage`, covered by the checksum, so immutable) and also
 * records them as the run tag `kiln.features` (for browsing runs). Readers take the bundle's copy and
 * fall back to the tag only for models trained before bundles carried it (`modelFeatureLineage`), which is
 * how `kiln features apply` and feature-serving endpoints find the views a model depends on.
 * The shape is declared here (tracking sits below features) and checked on read: the sidecar is a file.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import type { BundleFeatureLineage } from '../runtime/bundle-types.js';

/** The run tag holding a training run's feature lineage (canonical JSON of `FeatureLineage`). */
export const FEATURE_LINEAGE_TAG = 'kiln.features';

/** What a training set was built from (the part of the sidecar that lineage keeps; the bundle's `metadata.featureLineage`). */
export type FeatureLineage = BundleFeatureLineage;

/** Where a model's lineage was read: its sealed bundle, or (older models) its training run's tag. */
export type FeatureLineageOrigin = 'bundle' | 'run-tag';

const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
const isVersion = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The lineage in `value`, or null when it is not of the expected shape. */
export function parseFeatureLineage(value: unknown): FeatureLineage | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (!isName(v.service) || !isName(v.project) || !isVersion(v.registryVersion) || !Array.isArray(v.featureViews)) return null;
  const views: Array<FeatureLineage['featureViews'][number]> = [];
  for (const item of v.featureViews as unknown[]) {
    const x = item as Record<string, unknown> | null;
    if (!x || !isName(x.name) || !isVersion(x.version) || !Array.isArray(x.features) || !x.features.every(isName)) return null;
    views.push({ name: x.name, version: x.version, features: [...(x.features as string[])] });
  }
  return { service: v.service, project: v.project, registryVersion: v.registryVersion, featureViews: views };
}

/** The lineage sidecar of training data `file` (`FILE.lineage.json`), null when there is none; malformed is an InputError. */
export async function readFeatureLineage(file: string): Promise<FeatureLineage | null> {
  const sidecar = `${file}.lineage.json`;
  let text: string;
  try {
    text = await readFile(sidecar, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const lineage = parseFeatureLineage(parsed);
  if (!lineage) throw new InputError(`the training-set lineage file "${sidecar}" is not valid lineage JSON`, { file: sidecar }, 'Rebuild it with `kiln features training-set`, or delete it to train without feature lineage.');
  return lineage;
}

/** The feature lineage recorded in a run's tags, or null. */
export function featureLineageOfTags(tags: Readonly<Record<string, string>>): FeatureLineage | null {
  const text = tags[FEATURE_LINEAGE_TAG];
  if (text === undefined) return null;
  try {
    return parseFeatureLineage(JSON.parse(text));
  } catch {
    return null;
  }
}

/** The lineage sealed into a bundle document (parsed JSON), or null when it carries none. */
export function featureLineageOfBundle(bundle: unknown): FeatureLineage | null {
  const metadata = bundle && typeof bundle === 'object' ? (bundle as { metadata?: unknown }).metadata : undefined;
  const value = metadata && typeof metadata === 'object' ? (metadata as { featureLineage?: unknown }).featureLineage : undefined;
  return value === undefined ? null : parseFeatureLineage(value);
}

/**
 * A model's feature lineage: the bundle's sealed copy when it has one (a tag change cannot touch it);
 * otherwise the `kiln.features` tag of its training run, for models trained before bundles carried it.
 */
export async function modelFeatureLineage(bundle: unknown, runTags: () => Promise<Readonly<Record<string, string>> | null>): Promise<{ lineage: FeatureLineage; origin: FeatureLineageOrigin } | null> {
  const sealed = featureLineageOfBundle(bundle);
  if (sealed) return { lineage: sealed, origin: 'bundle' };
  const tags = await runTags();
  const tagged = tags ? featureLineageOfTags(tags) : null;
  return tagged ? { lineage: tagged, origin: 'run-tag' } : null;
}
