/**
 * The plan of an apply: what is added, changed and removed between the registered definitions and new
 * ones, per kind (entity, feature view, feature service), and the registered document that results.
 * A feature view keeps its version while its definition is unchanged; a changed view gets the new
 * registry version, so a training set's lineage names the definition it was built from.
 */
import type { FeatureDefinitions, RegisteredDefinitions, RegisteredFeatureView } from './definitions.js';

/** Names per change kind. */
export interface PlanChanges {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
}

/** The diff of an apply. */
export interface FeaturePlan {
  readonly entities: PlanChanges;
  readonly featureViews: PlanChanges;
  readonly featureServices: PlanChanges;
  readonly onDemandFeatureViews: PlanChanges;
  /** True when nothing differs (apply then writes nothing). */
  readonly unchanged: boolean;
}

/** A canonical JSON text (sorted keys) for equality checks and digests. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return v;
  });
}

function diff<T extends { name: string }>(before: readonly T[], after: readonly T[], same: (a: T, b: T) => boolean): PlanChanges {
  const old = new Map(before.map((x) => [x.name, x]));
  const next = new Map(after.map((x) => [x.name, x]));
  return {
    added: after.filter((x) => !old.has(x.name)).map((x) => x.name),
    changed: after.filter((x) => old.has(x.name) && !same(old.get(x.name) as T, x)).map((x) => x.name),
    removed: before.filter((x) => !next.has(x.name)).map((x) => x.name),
  };
}

const withoutVersion = (v: RegisteredFeatureView): Omit<RegisteredFeatureView, 'version'> => {
  const { version: _version, ...rest } = v;
  return rest;
};

/** The plan from `current` (null: nothing registered) to `next`, and the document registered as `nextVersion`. */
export function planApply(current: RegisteredDefinitions | null, next: FeatureDefinitions, nextVersion: number): { plan: FeaturePlan; document: RegisteredDefinitions } {
  const before = current ?? { entities: [], featureViews: [], featureServices: [] };
  const eq = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
  const entities = diff(before.entities, next.entities, eq);
  const featureViews = diff(before.featureViews.map(withoutVersion), next.featureViews, eq);
  const featureServices = diff(before.featureServices, next.featureServices, eq);
  const oldViews = new Map(before.featureViews.map((v) => [v.name, v]));
  const views: RegisteredFeatureView[] = next.featureViews.map((v) => {
    const old = oldViews.get(v.name);
    return { ...v, version: old && eq(withoutVersion(old), v) ? old.version : nextVersion };
  });
  const onDemandFeatureViews = diff(before.onDemandFeatureViews ?? [], next.onDemandFeatureViews ?? [], eq);
  const all = [entities, featureViews, featureServices, onDemandFeatureViews];
  const unchanged = all.every((c) => c.added.length + c.changed.length + c.removed.length === 0) && current !== null;
  const onDemand = next.onDemandFeatureViews && next.onDemandFeatureViews.length > 0 ? { onDemandFeatureViews: next.onDemandFeatureViews } : {};
  return { plan: { entities, featureViews, featureServices, onDemandFeatureViews, unchanged }, document: { entities: next.entities, featureViews: views, featureServices: next.featureServices, ...onDemand } };
}
