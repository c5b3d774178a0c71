/**
 * Breaking changes of an apply: changes to a feature view that a registered model version was trained
 * on which would make its training set unreproducible or its online features disagree with what it
 * learned — the view removed, a feature it uses removed or retyped, the view's entities or an entity's
 * join keys or their valueType changed. Which views a model uses comes from the feature lineage sealed into its bundle when
 * it was trained on a `kiln features training-set` output (immutable); for versions whose bundle predates
 * that, the `kiln.features` tag of the training run is read instead. Versions with neither are not known
 * to depend on anything.
 */
import type { ArtifactStore } from '../store/artifact-store.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { ModelVersionRecord } from '../store/model-registry-repository.js';
import type { FeatureLineage } from '../tracking/feature-lineage.js';
import { modelFeatureLineage } from '../tracking/feature-lineage.js';
import type { FeatureDefinitions, RegisteredDefinitions } from './definitions.js';

/** A registered model version and the feature lineage of the run that trained it. */
export interface ModelFeatureUse {
  /** `NAME@VERSION`. */
  readonly model: string;
  readonly lineage: FeatureLineage;
}

/** One breaking change, and the model versions it breaks. */
export interface BreakingChange {
  readonly view: string;
  /** What changes, in words (e.g. `feature 'balance' removed`). */
  readonly change: string;
  readonly models: readonly string[];
}

/** The parsed bundle of a Kiln-bundle version (null for ONNX or an unreadable artifact: then only the run tag counts). */
async function bundleOf(v: ModelVersionRecord, artifacts: ArtifactStore): Promise<unknown> {
  if (v.format !== 'kiln-bundle') return null;
  try {
    return JSON.parse(Buffer.from(await artifacts.get(v.artifactHash)).toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Model versions of `metadata`'s project trained on a training set of that project (bundle lineage, else run tag). */
export async function modelFeatureUses(metadata: MetadataStore, artifacts: ArtifactStore): Promise<ModelFeatureUse[]> {
  const project = metadata.project;
  const uses: ModelFeatureUse[] = [];
  const runTags = new Map<string, Readonly<Record<string, string>> | null>();
  // Versions share bundles (re-registrations): each artifact is read and parsed once per call.
  const bundles = new Map<string, Promise<unknown>>();
  let modelCursor: string | null = null;
  do {
    const models = await metadata.models.listModels(project, { limit: 1000, cursor: modelCursor });
    for (const m of models.items) {
      let cursor: string | null = null;
      do {
        const versions = await metadata.models.listVersions(project, m.name, { limit: 1000, cursor });
        for (const v of versions.items) {
          if (!bundles.has(v.artifactHash)) bundles.set(v.artifactHash, bundleOf(v, artifacts));
          const runId = v.source.runId;
          const found = await modelFeatureLineage(await bundles.get(v.artifactHash), async () => {
            if (runId === null) return null;
            if (!runTags.has(runId)) runTags.set(runId, (await metadata.runs.getDetails(runId))?.tags ?? null);
            return runTags.get(runId) ?? null;
          });
          if (found && found.lineage.project === project) uses.push({ model: `${v.name}@${v.version}`, lineage: found.lineage });
        }
        cursor = versions.next;
      } while (cursor !== null);
    }
    modelCursor = models.next;
  } while (modelCursor !== null);
  return uses;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The breaking changes from `current` to `next` for the models in `uses` (empty: safe to apply). */
export function breakingChanges(current: RegisteredDefinitions | null, next: FeatureDefinitions, uses: readonly ModelFeatureUse[]): BreakingChange[] {
  if (!current) return [];
  const found = new Map<string, { view: string; change: string; models: Set<string> }>();
  const add = (view: string, change: string, model: string): void => {
    const key = `${view}\u0000${change}`;
    const entry = found.get(key) ?? { view, change, models: new Set<string>() };
    entry.models.add(model);
    found.set(key, entry);
  };
  for (const use of uses) {
    for (const used of use.lineage.featureViews) {
      const before = current.featureViews.find((v) => v.name === used.name);
      if (!before) continue; // Already gone from the registry: this apply does not break it.
      const after = next.featureViews.find((v) => v.name === used.name);
      if (!after) {
        add(used.name, 'feature view removed', use.model);
        continue;
      }
      for (const name of used.features) {
        const was = before.features.find((f) => f.name === name);
        const now = after.features.find((f) => f.name === name);
        if (!now) add(used.name, `feature '${name}' removed`, use.model);
        else if (was && was.type !== now.type) add(used.name, `feature '${name}' type ${was.type} -> ${now.type}`, use.model);
      }
      if (!sameList(before.entities, after.entities)) add(used.name, `entities [${before.entities.join(', ')}] -> [${after.entities.join(', ')}]`, use.model);
      for (const entity of before.entities) {
        const keysBefore = current.entities.find((e) => e.name === entity)?.joinKeys ?? [];
        const keysAfter = next.entities.find((e) => e.name === entity)?.joinKeys;
        if (keysAfter !== undefined && !sameList(keysBefore, keysAfter)) add(used.name, `entity '${entity}' join keys [${keysBefore.join(', ')}] -> [${keysAfter.join(', ')}]`, use.model);
        const typeBefore = current.entities.find((e) => e.name === entity)?.valueType ?? 'untyped';
        const typeAfter = next.entities.find((e) => e.name === entity)?.valueType ?? 'untyped';
        if (keysAfter !== undefined && typeBefore !== typeAfter) add(used.name, `entity '${entity}' valueType ${typeBefore} -> ${typeAfter}`, use.model);
      }
    }
  }
  return [...found.values()].map((e) => ({ view: e.view, change: e.change, models: [...e.models].sort() }));
}
