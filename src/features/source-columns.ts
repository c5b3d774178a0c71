/**
 * What a feature view's source must look like: which DuckDB column types fit each declared feature
 * type, and the check (run at apply and before every training set) that the view's join keys,
 * timestamp fields and features exist in its source with compatible types.
 */
import type { SourceColumn } from '../data/io/describe-source.js';
import type { DefinitionIssues } from './definition-issues.js';
import type { EntityDefinition, FeatureType, FeatureViewDefinition } from './definitions.js';
import type { KeyValueType } from './join-key-types.js';

const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const FLOATING = /^(FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;
const TIMESTAMP = /^(DATE|TIMESTAMP.*)$/;

/** Whether a source column of `duckType` can hold a feature of `type` without losing meaning. */
export function typeFits(type: FeatureType, duckType: string): boolean {
  switch (type) {
    case 'float64':
    case 'float32':
      return INTEGER.test(duckType) || FLOATING.test(duckType);
    case 'int64':
    case 'int32':
      return INTEGER.test(duckType);
    case 'bool':
      return duckType === 'BOOLEAN' || duckType === 'VARCHAR';
    case 'timestamp':
      return TIMESTAMP.test(duckType) || duckType === 'VARCHAR';
    case 'string':
      return true;
  }
}

/** The DuckDB type a feature is cast to in training sets. */
export function duckTypeOf(type: FeatureType): string {
  const map: Record<FeatureType, string> = { float64: 'DOUBLE', float32: 'FLOAT', int64: 'BIGINT', int32: 'INTEGER', string: 'VARCHAR', bool: 'BOOLEAN', timestamp: 'TIMESTAMPTZ' };
  return map[type];
}

/** The join keys of a view, in entity order. */
export function viewJoinKeys(view: FeatureViewDefinition, entities: readonly EntityDefinition[]): string[] {
  const keys: string[] = [];
  for (const name of view.entities) for (const k of entities.find((e) => e.name === name)?.joinKeys ?? []) if (!keys.includes(k)) keys.push(k);
  return keys;
}

/** Whether a key column of `duckType` can hold keys of a declared value type (int64: integers, or floats holding whole numbers). */
export function keyColumnFits(type: KeyValueType | undefined, duckType: string): boolean {
  return type !== 'int64' || INTEGER.test(duckType) || FLOATING.test(duckType);
}

/**
 * Record an issue (under `path`) for every key, timestamp or feature of `view` missing from `columns` or of the
 * wrong type (`keyTypes`: the keys' declared value types, `keyValueTypes`).
 */
export function checkViewColumns(view: FeatureViewDefinition, keys: readonly string[], columns: readonly SourceColumn[], path: string, issues: DefinitionIssues, keyTypes?: ReadonlyMap<string, KeyValueType>): void {
  const byName = new Map(columns.map((c) => [c.name, c.duckType]));
  const have = `has columns ${columns.map((c) => c.name).slice(0, 30).join(', ')}`;
  keys.forEach((k) => {
    const t = byName.get(k);
    if (t === undefined) issues.add(`${path}.entities`, `join key '${k}' is not a column of the source (it ${have})`);
    else if (!keyColumnFits(keyTypes?.get(k), t)) issues.add(`${path}.entities`, `join key '${k}' is declared int64 (its entity's valueType) but the source column is ${t}; make the column hold integers, or drop valueType`);
  });
  for (const field of ['timestampField', 'createdTimestampField'] as const) {
    const name = view.source[field];
    if (name === undefined) continue;
    const t = byName.get(name);
    if (t === undefined) issues.add(`${path}.source.${field}`, `'${name}' is not a column of the source (it ${have})`);
    else if (!TIMESTAMP.test(t) && t !== 'VARCHAR') issues.add(`${path}.source.${field}`, `'${name}' is ${t}, not a timestamp`);
  }
  view.features.forEach((f, i) => {
    const t = byName.get(f.name);
    if (t === undefined) issues.add(`${path}.features[${i}].name`, `'${f.name}' is not a column of the source (it ${have})`);
    else if (!typeFits(f.type, t)) issues.add(`${path}.features[${i}].type`, `'${f.name}' is declared ${f.type} but the source column is ${t}`);
  });
}
