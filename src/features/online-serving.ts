/**
 * Online reads and pushes over registered definitions: which views and features a request needs, the
 * entity keys it names, and the per-record validation of pushed rows against a view's schema (bad
 * records are rejected with their reason; the rest are stored).
 */
import { canonicalKeyValue, keyValueTypes } from './join-key-types.js';
import type { KeyValueType } from './join-key-types.js';
import { InputError, NotFoundError } from '../core/errors.js';
import type { OnlineRecord, OnlineValue } from '../store/online-store.js';
import type { FeatureType, RegisteredDefinitions, RegisteredFeatureView } from './definitions.js';
import { onlineEntityKey } from './materialize.js';
import type { OnDemandFeatureView, OnDemandInput } from './on-demand.js';
import { onDemandInputs } from './on-demand.js';
import { viewJoinKeys } from './source-columns.js';

/** A scalar as sent in JSON. */
export type Scalar = string | number | boolean | null;

/** The features an online request asks for, grouped by view; on-demand features with the inputs they read. */
export interface OnlinePlan {
  readonly views: ReadonlyArray<{ readonly view: RegisteredFeatureView; readonly keys: readonly string[]; readonly keyTypes: ReadonlyMap<string, KeyValueType>; readonly features: readonly string[] }>;
  /** Features of `views` read only as on-demand inputs (`view__feature`): fetched, not returned. */
  readonly hidden: ReadonlySet<string>;
  readonly onDemand: ReadonlyArray<{ readonly odfv: OnDemandFeatureView; readonly features: readonly string[]; readonly inputs: readonly OnDemandInput[] }>;
}

/** Resolve `service` or `features` (VIEW:FEATURE) against the registered definitions. */
export function planOnline(defs: RegisteredDefinitions, service: string | undefined, features: readonly string[] | undefined): OnlinePlan {
  let refs: Array<{ view: string; feature: string }>;
  if (service !== undefined) {
    const s = defs.featureServices.find((x) => x.name === service);
    if (!s) throw new NotFoundError(`no feature service '${service}'`, { field: 'service' }, 'See `kiln features list`.');
    refs = [...s.features];
  } else {
    if (!features || features.length === 0) throw new InputError('name a feature service or a non-empty list of VIEW:FEATURE features', { field: 'features' });
    refs = features.map((f, i) => {
      const m = /^([A-Za-z_]\w{0,62}):([A-Za-z_]\w{0,62})$/.exec(f);
      if (!m) throw new InputError(`features[${i}] must be VIEW:FEATURE, got ${JSON.stringify(f).slice(0, 80)}`, { field: `features[${i}]` });
      return { view: m[1], feature: m[2] };
    });
  }
  const byView = new Map<string, string[]>();
  const add = (view: string, feature: string): void => {
    const list = byView.get(view) ?? [];
    if (!list.includes(feature)) byView.set(view, [...list, feature]);
  };
  const onDemand = new Map<string, { odfv: OnDemandFeatureView; features: string[]; inputs: OnDemandInput[] }>();
  refs.forEach((r, i) => {
    const view = defs.featureViews.find((v) => v.name === r.view);
    if (view && view.features.some((f) => f.name === r.feature)) return add(r.view, r.feature);
    const odfv = (defs.onDemandFeatureViews ?? []).find((v) => v.name === r.view);
    if (!odfv || !odfv.features.some((f) => f.name === r.feature)) throw new NotFoundError(`unknown feature ${r.view}:${r.feature}`, { field: `features[${i}]` });
    const entry = onDemand.get(odfv.name) ?? { odfv, features: [], inputs: onDemandInputs(odfv, defs.featureViews) };
    entry.features.push(r.feature);
    onDemand.set(odfv.name, entry);
  });
  const requested = new Set([...byView].flatMap(([v, fs]) => fs.map((f) => `${v}__${f}`)));
  const hidden = new Set<string>();
  for (const { inputs } of onDemand.values()) {
    for (const input of inputs) {
      if (input.view === undefined || input.feature === undefined) continue;
      if (!requested.has(input.column)) hidden.add(input.column);
      add(input.view, input.feature);
    }
  }
  return {
    views: [...byView].map(([name, fs]) => {
      const view = defs.featureViews.find((v) => v.name === name) as RegisteredFeatureView;
      return { view, keys: viewJoinKeys(view, defs.entities), keyTypes: keyValueTypes(view, defs.entities), features: fs };
    }),
    hidden,
    onDemand: [...onDemand.values()],
  };
}

/** Check request fields of row `index` against an on-demand view's declared request schema; their values by input. */
export function requestValues(odfv: OnDemandFeatureView, inputs: readonly OnDemandInput[], data: Readonly<Record<string, Scalar>> | undefined, index: number): Map<string, Scalar> {
  const out = new Map<string, Scalar>();
  for (const input of inputs) {
    if (input.view !== undefined) continue;
    const v = data?.[input.column];
    if (v === undefined || v === null) {
      out.set(input.column, null);
      continue;
    }
    if (!fits(input.type, v)) throw new InputError(`requestData[${index}].${input.column} must be ${input.type} (a request field of '${odfv.name}'), got ${JSON.stringify(v).slice(0, 40)}`, { field: `requestData[${index}].${input.column}` });
    out.set(input.column, v);
  }
  return out;
}

/** The online key of `entity` for `keys` (values checked against `keyTypes`), or an InputError naming the missing or mistyped key. */
export function entityKeyOf(entity: Readonly<Record<string, Scalar>>, keys: readonly string[], index: number, keyTypes?: ReadonlyMap<string, KeyValueType>): string {
  const values = keys.map((k) => {
    const v = entity[k];
    if (v === undefined || v === null || typeof v === 'object') throw new InputError(`entities[${index}] has no value for join key '${k}'`, { field: `entities[${index}].${k}` }, 'Send every join key of the requested features.');
    const c = canonicalKeyValue(v, keyTypes?.get(k));
    if ('error' in c) throw new InputError(`entities[${index}].${k} ${c.error}`, { field: `entities[${index}].${k}` });
    return c.value;
  });
  return onlineEntityKey(values);
}

/** Result of validating pushed rows. */
export interface PushValidation {
  readonly records: OnlineRecord[];
  readonly rejected: Array<{ readonly index: number; readonly reason: string }>;
}

/** Validate each pushed row against `view`: join keys, a parseable event time, typed features, no unknown fields. */
export function validatePush(view: RegisteredFeatureView, keys: readonly string[], rows: readonly unknown[], keyTypes?: ReadonlyMap<string, KeyValueType>): PushValidation {
  const records: OnlineRecord[] = [];
  const rejected: Array<{ index: number; reason: string }> = [];
  const known = new Set([...keys, view.source.timestampField, ...(view.source.createdTimestampField ? [view.source.createdTimestampField] : []), ...view.features.map((f) => f.name)]);
  rows.forEach((row, index) => {
    const reason = checkRow(view, keys, known, row, keyTypes);
    if (typeof reason === 'string') rejected.push({ index, reason });
    else records.push(reason);
  });
  return { records, rejected };
}

function checkRow(view: RegisteredFeatureView, keys: readonly string[], known: ReadonlySet<string>, row: unknown, keyTypes: ReadonlyMap<string, KeyValueType> | undefined): string | OnlineRecord {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return 'a row must be an object of field values';
  const r = row as Record<string, unknown>;
  const unknown = Object.keys(r).find((k) => !known.has(k));
  if (unknown !== undefined) return `unknown field '${unknown.slice(0, 64)}' (view '${view.name}' has ${[...known].join(', ')})`;
  const keyValues: unknown[] = [];
  for (const k of keys) {
    const v = r[k];
    if (v === undefined || v === null || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) return `join key '${k}' is missing or not a scalar`;
    const c = canonicalKeyValue(v, keyTypes?.get(k));
    if ('error' in c) return `join key '${k}' ${c.error}`;
    keyValues.push(c.value);
  }
  const eventTime = parseTime(r[view.source.timestampField]);
  if (eventTime === null) return `'${view.source.timestampField}' must be an ISO-8601 timestamp or epoch milliseconds`;
  const values: Record<string, OnlineValue> = {};
  for (const f of view.features) {
    const v = r[f.name];
    if (v === undefined || v === null) {
      values[f.name] = null;
      continue;
    }
    if (!fits(f.type, v)) return `'${f.name}' must be ${f.type}, got ${JSON.stringify(v).slice(0, 40)}`;
    values[f.name] = v as OnlineValue;
  }
  return { view: view.name, entityKey: onlineEntityKey(keyValues), eventTime, values };
}

function fits(type: FeatureType, v: unknown): boolean {
  switch (type) {
    case 'float64':
    case 'float32':
      return typeof v === 'number' && Number.isFinite(v);
    case 'int64':
    case 'int32':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'string':
      return typeof v === 'string' && v.length <= 65_536;
    case 'bool':
      return typeof v === 'boolean';
    case 'timestamp':
      return parseTime(v) !== null;
  }
}

/** Epoch ms of an ISO-8601 string (UTC unless an offset is given) or a number of epoch ms; null otherwise. */
export function parseTime(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string' || v.length > 64 || !/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const withZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(v) || /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : `${v.replace(' ', 'T')}Z`;
  const t = Date.parse(withZone);
  return Number.isFinite(t) ? t : null;
}
