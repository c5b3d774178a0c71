/**
 * Turns a raw definitions document (parsed YAML/JSON, or an SDK object) into validated
 * `FeatureDefinitions`: shapes, names, types, duplicates and cross-references (unknown entities, views
 * or features). Relative source paths resolve against `baseDir` (the definitions file's folder).
 * Checks that need the data (columns exist, types match) are in `check-sources.ts`.
 */
import { KEY_VALUE_TYPES } from './join-key-types.js';
import type { KeyValueType } from './join-key-types.js';
import { isAbsolute, resolve } from 'node:path';
import { DefinitionIssues } from './definition-issues.js';
import type { EntityDefinition, FeatureDefinition, FeatureDefinitions, FeatureServiceDefinition, FeatureSource, FeatureType, FeatureViewDefinition } from './definitions.js';
import { FEATURE_TYPES } from './definitions.js';
import type { OnDemandFeature, OnDemandFeatureView } from './on-demand.js';
import { checkOnDemandTypes, ON_DEMAND_TYPES, onDemandInputs } from './on-demand.js';
import { parseTtl } from './ttl.js';

/** Names of entities, views, features, services and columns: they become SQL column names (`view__feature`). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const TOP_KEYS = new Set(['entities', 'featureViews', 'featureServices', 'onDemandFeatureViews', 'project']);

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate `raw`; throws one InputError listing every issue by path. `file` names the document in errors. */
export function parseDefinitions(raw: unknown, baseDir: string, file?: string): FeatureDefinitions {
  const issues = new DefinitionIssues();
  if (!isObject(raw)) {
    issues.add('$', 'the definitions must be an object with entities, featureViews and featureServices');
    issues.throwIfAny(file);
  }
  const doc = raw as Raw;
  for (const key of Object.keys(doc)) if (!TOP_KEYS.has(key)) issues.add(key, `unknown top-level key (expected one of ${[...TOP_KEYS].join(', ')})`);
  const entities = list(doc.entities, 'entities', issues).map((e, i) => parseEntity(e, `entities[${i}]`, issues));
  const views = list(doc.featureViews, 'featureViews', issues).map((v, i) => parseView(v, `featureViews[${i}]`, baseDir, issues));
  const services = list(doc.featureServices, 'featureServices', issues).map((s, i) => parseService(s, `featureServices[${i}]`, issues));
  const onDemand = list(doc.onDemandFeatureViews, 'onDemandFeatureViews', issues).map((v, i) => parseOnDemandView(v, `onDemandFeatureViews[${i}]`, issues));
  duplicates(entities.map((e) => e?.name), 'entities', issues);
  duplicates(views.map((v) => v?.name), 'featureViews', issues);
  duplicates(services.map((s) => s?.name), 'featureServices', issues);
  const entityByName = new Map(entities.filter((e): e is EntityDefinition => e !== null).map((e) => [e.name, e]));
  views.forEach((v, i) => {
    if (!v) return;
    const keys = new Set<string>();
    for (const name of v.entities) for (const k of entityByName.get(name)?.joinKeys ?? []) keys.add(k);
    v.features.forEach((f, j) => {
      if (keys.has(f.name)) issues.add(`featureViews[${i}].features[${j}].name`, `'${f.name}' is a join key of the view's entities, not a feature`);
      if (f.name === v.source.timestampField || f.name === v.source.createdTimestampField) issues.add(`featureViews[${i}].features[${j}].name`, `'${f.name}' is the view's timestamp field, not a feature`);
    });
  });
  // Checked on the raw views, so an unknown entity is reported even when the view has other problems.
  const rawViews = Array.isArray(doc.featureViews) ? (doc.featureViews as unknown[]) : [];
  rawViews.forEach((v, i) => {
    const refs = isObject(v) && Array.isArray(v.entities) ? (v.entities as unknown[]) : [];
    refs.forEach((name, j) => {
      if (typeof name === 'string' && NAME.test(name) && !entityByName.has(name) && entities.every((e) => e?.name !== name)) {
        issues.add(`featureViews[${i}].entities[${j}]`, `unknown entity '${name}' (declare it under entities)`);
      }
    });
  });
  duplicates([...views.map((v) => v?.name), ...onDemand.map((v) => v?.name)], 'featureViews+onDemandFeatureViews', issues);
  const viewByName = new Map<string, { features: ReadonlyArray<{ name: string }> }>(views.filter((v): v is FeatureViewDefinition => v !== null).map((v) => [v.name, v]));
  const okViews = views.filter((v): v is FeatureViewDefinition => v !== null);
  onDemand.forEach((o, i) => {
    if (!o) return;
    const path = `onDemandFeatureViews[${i}]`;
    const before = issues.list.length;
    const inputs = onDemandInputs(o, okViews, path, issues);
    // Type-checking needs every input: only when all names resolved.
    if (issues.list.length === before) checkOnDemandTypes(o, inputs, path, issues);
    if (!viewByName.has(o.name)) viewByName.set(o.name, o);
  });
  services.forEach((s, i) => {
    if (!s) return;
    s.features.forEach((ref, j) => {
      const view = viewByName.get(ref.view);
      if (!view) issues.add(`featureServices[${i}].features[${j}]`, `unknown feature view '${ref.view}'`);
      else if (!view.features.some((f) => f.name === ref.feature)) issues.add(`featureServices[${i}].features[${j}]`, `feature view '${ref.view}' has no feature '${ref.feature}'`);
    });
    duplicates(s.features.map((r) => `${r.view}:${r.feature}`), `featureServices[${i}].features`, issues);
  });
  issues.throwIfAny(file);
  return {
    entities: entities as EntityDefinition[],
    featureViews: views as FeatureViewDefinition[],
    featureServices: services as FeatureServiceDefinition[],
    ...(onDemand.length > 0 ? { onDemandFeatureViews: onDemand as OnDemandFeatureView[] } : {}),
  };
}

function parseOnDemandView(raw: unknown, path: string, issues: DefinitionIssues): OnDemandFeatureView | null {
  if (!isObject(raw)) return (issues.add(path, 'must be an object with name, request and features'), null);
  unknownKeys(raw, ['name', 'request', 'features', 'description'], path, issues);
  const n = name(raw.name, `${path}.name`, issues);
  if (n !== null && n.includes('__')) issues.add(`${path}.name`, `'${n}' must not contain '__' (it separates view and feature in training-set columns)`);
  const request = list(raw.request, `${path}.request`, issues).map((f, i) => parseFeature(f, `${path}.request[${i}]`, issues));
  duplicates(request.map((f) => f?.name), `${path}.request`, issues);
  request.forEach((f, i) => {
    if (f?.name.includes('__')) issues.add(`${path}.request[${i}].name`, `'${f.name}' must not contain '__' (VIEW__FEATURE names a view's feature)`);
  });
  const features = list(raw.features, `${path}.features`, issues).map((f, i) => {
    const p = `${path}.features[${i}]`;
    if (!isObject(f)) return (issues.add(p, 'must be an object like { name: ratio, type: float64, expression: "a / b" }'), null);
    unknownKeys(f, ['name', 'type', 'expression', 'description'], p, issues);
    const fn = name(f.name, `${p}.name`, issues);
    if (typeof f.type !== 'string' || !(ON_DEMAND_TYPES as readonly string[]).includes(f.type)) issues.add(`${p}.type`, `must be one of ${ON_DEMAND_TYPES.join(', ')}, got ${JSON.stringify(f.type)?.slice(0, 40)}`);
    if (typeof f.expression !== 'string' || f.expression.trim().length === 0 || f.expression.length > 10_000) issues.add(`${p}.expression`, 'must be a non-empty expression string (at most 10000 characters)');
    const description = optionalText(f, 'description', p, issues);
    if (fn === null || typeof f.type !== 'string' || !(ON_DEMAND_TYPES as readonly string[]).includes(f.type) || typeof f.expression !== 'string') return null;
    return { name: fn, type: f.type as OnDemandFeature['type'], expression: f.expression, ...(description !== undefined ? { description } : {}) };
  });
  if (features.length === 0) issues.add(`${path}.features`, 'must declare at least one feature');
  duplicates(features.map((f) => f?.name), `${path}.features`, issues);
  const description = optionalText(raw, 'description', path, issues);
  if (n === null || request.some((f) => f === null) || features.some((f) => f === null)) return null;
  return { name: n, request: request as FeatureDefinition[], features: features as OnDemandFeature[], ...(description !== undefined ? { description } : {}) };
}

function list(value: unknown, path: string, issues: DefinitionIssues): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add(path, 'must be a list');
    return [];
  }
  if (value.length > 10_000) {
    issues.add(path, `has ${value.length} entries; at most 10000 are allowed`);
    return [];
  }
  return value;
}

function name(value: unknown, path: string, issues: DefinitionIssues): string | null {
  if (typeof value !== 'string' || !NAME.test(value)) {
    issues.add(path, `must be a name of letters, digits and _ starting with a letter or _ (at most 63), got ${JSON.stringify(value)?.slice(0, 80)}`);
    return null;
  }
  return value;
}

function optionalText(obj: Raw, key: string, path: string, issues: DefinitionIssues): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > 10_000) {
    issues.add(`${path}.${key}`, 'must be a string (at most 10000 characters)');
    return undefined;
  }
  return v;
}

function unknownKeys(obj: Raw, allowed: readonly string[], path: string, issues: DefinitionIssues): void {
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) issues.add(`${path}.${key}`, `unknown key (expected one of ${allowed.join(', ')})`);
}

function duplicates(names: ReadonlyArray<string | undefined>, path: string, issues: DefinitionIssues): void {
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n === undefined) return;
    const first = seen.get(n);
    if (first !== undefined) issues.add(`${path}[${i}]`, `duplicate name '${n}' (first at ${path}[${first}])`);
    else seen.set(n, i);
  });
}

function parseEntity(raw: unknown, path: string, issues: DefinitionIssues): EntityDefinition | null {
  if (!isObject(raw)) return (issues.add(path, 'must be an object with name and joinKeys'), null);
  unknownKeys(raw, ['name', 'joinKeys', 'description', 'valueType'], path, issues);
  const n = name(raw.name, `${path}.name`, issues);
  const keys = list(raw.joinKeys, `${path}.joinKeys`, issues).map((k, i) => name(k, `${path}.joinKeys[${i}]`, issues));
  if (keys.length === 0 && Array.isArray(raw.joinKeys)) issues.add(`${path}.joinKeys`, 'must name at least one join key');
  if (raw.joinKeys === undefined) issues.add(`${path}.joinKeys`, 'is required');
  duplicates(keys.map((k) => k ?? undefined), `${path}.joinKeys`, issues);
  const description = optionalText(raw, 'description', path, issues);
  // Feast spells value types in capitals (INT64, STRING): both spellings are accepted.
  const valueType = typeof raw.valueType === 'string' ? raw.valueType.toLowerCase() : raw.valueType;
  if (valueType !== undefined && !(KEY_VALUE_TYPES as readonly unknown[]).includes(valueType)) issues.add(`${path}.valueType`, `must be one of ${KEY_VALUE_TYPES.join(', ')}, got ${JSON.stringify(raw.valueType)?.slice(0, 40)}`);
  if (n === null || keys.some((k) => k === null)) return null;
  const typed = valueType === 'int64' || valueType === 'string' ? { valueType: valueType as KeyValueType } : {};
  return { name: n, joinKeys: keys as string[], ...(description !== undefined ? { description } : {}), ...typed };
}

function parseSource(raw: unknown, path: string, baseDir: string, issues: DefinitionIssues): FeatureSource | null {
  if (!isObject(raw)) return (issues.add(path, 'must be an object like { path: stats.csv, timestampField: event_ts }'), null);
  unknownKeys(raw, ['path', 'dataset', 'postgres', 'timestampField', 'createdTimestampField'], path, issues);
  const ts = name(raw.timestampField, `${path}.timestampField`, issues);
  const created = raw.createdTimestampField === undefined ? undefined : name(raw.createdTimestampField, `${path}.createdTimestampField`, issues);
  if (created !== undefined && created !== null && created === ts) issues.add(`${path}.createdTimestampField`, 'must differ from timestampField');
  const extra = created ? { createdTimestampField: created } : {};
  if ([raw.path, raw.dataset, raw.postgres].filter((x) => x !== undefined).length !== 1) return (issues.add(path, 'needs exactly one of path (a CSV/Parquet file), dataset (NAME or NAME@VERSION) or postgres ({ table } or { query })'), null);
  if (raw.postgres !== undefined) {
    const pgSource = parsePostgres(raw.postgres, `${path}.postgres`, issues);
    return ts === null || pgSource === null ? null : { kind: 'postgres', ...pgSource, timestampField: ts, ...extra };
  }
  if (raw.path !== undefined) {
    if (typeof raw.path !== 'string' || raw.path.length === 0 || raw.path.includes('\0')) return (issues.add(`${path}.path`, 'must be a file path'), null);
    if (!/\.(csv|parquet|tsv)$/i.test(raw.path)) issues.add(`${path}.path`, `'${raw.path}' must be a .csv, .tsv or .parquet file`);
    return ts === null ? null : { kind: 'file', path: isAbsolute(raw.path) ? raw.path : resolve(baseDir, raw.path), timestampField: ts, ...extra };
  }
  if (typeof raw.dataset !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(@[A-Za-z0-9._-]{1,64})?$/.test(raw.dataset)) return (issues.add(`${path}.dataset`, 'must be NAME or NAME@VERSION of a registered dataset'), null);
  return ts === null ? null : { kind: 'dataset', dataset: raw.dataset, timestampField: ts, ...extra };
}

const PG_TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;

function parsePostgres(raw: unknown, path: string, issues: DefinitionIssues): { table?: string; query?: string; urlVariable: string } | null {
  if (!isObject(raw)) return (issues.add(path, 'must be an object like { table: customer_stats } or { query: "SELECT ..." }'), null);
  unknownKeys(raw, ['table', 'query', 'urlVariable'], path, issues);
  const urlVariable = raw.urlVariable ?? 'KILN_FEATURES_POSTGRES_URL';
  if (typeof urlVariable !== 'string' || !ENV_NAME.test(urlVariable)) return (issues.add(`${path}.urlVariable`, 'must name an environment variable (A-Z, 0-9, _) holding the PostgreSQL URL'), null);
  if ((raw.table === undefined) === (raw.query === undefined)) return (issues.add(path, 'needs exactly one of table or query'), null);
  if (raw.table !== undefined) {
    if (typeof raw.table !== 'string' || !PG_TABLE.test(raw.table)) return (issues.add(`${path}.table`, 'must be TABLE or SCHEMA.TABLE (letters, digits, _)'), null);
    return { table: raw.table, urlVariable };
  }
  if (typeof raw.query !== 'string' || !/^\s*(select|with)\b/i.test(raw.query) || raw.query.length > 100_000) return (issues.add(`${path}.query`, 'must be a SELECT (or WITH ... SELECT) query of at most 100000 characters'), null);
  return { query: raw.query, urlVariable };
}

function parseFeature(raw: unknown, path: string, issues: DefinitionIssues): FeatureDefinition | null {
  if (!isObject(raw)) return (issues.add(path, 'must be an object like { name: balance, type: float64 }'), null);
  unknownKeys(raw, ['name', 'type', 'description'], path, issues);
  const n = name(raw.name, `${path}.name`, issues);
  const type = raw.type;
  if (typeof type !== 'string' || !(FEATURE_TYPES as readonly string[]).includes(type)) {
    issues.add(`${path}.type`, `unknown type ${JSON.stringify(type)?.slice(0, 40)} (one of ${FEATURE_TYPES.join(', ')})`);
    return null;
  }
  const description = optionalText(raw, 'description', path, issues);
  return n === null ? null : { name: n, type: type as FeatureType, ...(description !== undefined ? { description } : {}) };
}

function parseView(raw: unknown, path: string, baseDir: string, issues: DefinitionIssues): FeatureViewDefinition | null {
  if (!isObject(raw)) return (issues.add(path, 'must be an object with name, entities, source, features'), null);
  unknownKeys(raw, ['name', 'entities', 'source', 'ttl', 'features', 'tags', 'owner', 'description'], path, issues);
  const n = name(raw.name, `${path}.name`, issues);
  if (n !== null && n.includes('__')) issues.add(`${path}.name`, `'${n}' must not contain '__' (it separates view and feature in training-set columns)`);
  const entities = list(raw.entities, `${path}.entities`, issues).map((e, i) => name(e, `${path}.entities[${i}]`, issues));
  if (entities.length === 0) issues.add(`${path}.entities`, 'must name at least one entity');
  duplicates(entities.map((e) => e ?? undefined), `${path}.entities`, issues);
  const source = parseSource(raw.source, `${path}.source`, baseDir, issues);
  let ttlSeconds: number | null = null;
  try {
    ttlSeconds = parseTtl(raw.ttl, `${path}.ttl`);
  } catch (err) {
    issues.add(`${path}.ttl`, (err as Error).message.replace(`${path}.ttl `, ''));
  }
  const features = list(raw.features, `${path}.features`, issues).map((f, i) => parseFeature(f, `${path}.features[${i}]`, issues));
  if (features.length === 0) issues.add(`${path}.features`, 'must declare at least one feature');
  duplicates(features.map((f) => f?.name), `${path}.features`, issues);
  const tags: Record<string, string> = {};
  if (raw.tags !== undefined) {
    if (!isObject(raw.tags)) issues.add(`${path}.tags`, 'must be a map of string to string');
    else for (const [k, v] of Object.entries(raw.tags)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') issues.add(`${path}.tags.${k}`, 'must be a string');
      else tags[k] = String(v);
    }
  }
  const owner = optionalText(raw, 'owner', path, issues);
  const description = optionalText(raw, 'description', path, issues);
  if (n === null || source === null || entities.some((e) => e === null) || features.some((f) => f === null)) return null;
  return {
    name: n,
    entities: entities as string[],
    source,
    ttlSeconds,
    features: features as FeatureDefinition[],
    tags,
    ...(owner !== undefined ? { owner } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

function parseService(raw: unknown, path: string, issues: DefinitionIssues): FeatureServiceDefinition | null {
  if (!isObject(raw)) return (issues.add(path, 'must be an object with name and features'), null);
  unknownKeys(raw, ['name', 'features', 'description'], path, issues);
  const n = name(raw.name, `${path}.name`, issues);
  const refs = list(raw.features, `${path}.features`, issues).map((r, i) => {
    const m = typeof r === 'string' ? /^([A-Za-z_][A-Za-z0-9_]{0,62}):([A-Za-z_][A-Za-z0-9_]{0,62})$/.exec(r) : null;
    if (!m) {
      issues.add(`${path}.features[${i}]`, `must be VIEW:FEATURE, got ${JSON.stringify(r)?.slice(0, 80)}`);
      return null;
    }
    return { view: m[1], feature: m[2] };
  });
  if (refs.length === 0) issues.add(`${path}.features`, 'must list at least one VIEW:FEATURE');
  const description = optionalText(raw, 'description', path, issues);
  if (n === null || refs.some((r) => r === null)) return null;
  return { name: n, features: refs as Array<{ view: string; feature: string }>, ...(description !== undefined ? { description } : {}) };
}
