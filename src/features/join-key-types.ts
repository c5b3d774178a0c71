/**
 * Declared value types of join keys (`valueType` of an entity): `int64` keys must be integers everywhere they
 * appear — an integer (or whole-number float) column in every source and entities file, and integers in
 * online reads, pushes and streamed records, where `"007"`, `"7"` and `7` are the one key 7; `string` keys must
 * be strings in reads, pushes and streams (sources may hold any type: keys are compared as text). An entity
 * without `valueType` keeps the untyped behaviour: keys compared as their text.
 */
import type { EntityDefinition, FeatureViewDefinition } from './definitions.js';

/** Value types an entity may declare for its join keys. */
export const KEY_VALUE_TYPES = ['int64', 'string'] as const;

/** One of `KEY_VALUE_TYPES`. */
export type KeyValueType = (typeof KEY_VALUE_TYPES)[number];

/** The declared value type of each join key of `view` (keys of entities that declare none are absent). */
export function keyValueTypes(view: FeatureViewDefinition, entities: readonly EntityDefinition[]): ReadonlyMap<string, KeyValueType> {
  const types = new Map<string, KeyValueType>();
  for (const name of view.entities) {
    const e = entities.find((x) => x.name === name);
    if (e?.valueType) for (const k of e.joinKeys) types.set(k, e.valueType);
  }
  return types;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A key value in the form the online store keys on, checked against its declared type: an int64 as its
 * canonical decimal text (so `"007"` and `7` are one key), a string as itself; `{ error }` says what is wrong.
 */
export function canonicalKeyValue(value: unknown, type: KeyValueType | undefined): { value: unknown } | { error: string } {
  if (type === undefined) return { value };
  if (type === 'string') return typeof value === 'string' ? { value } : { error: `must be a string (its entity's valueType), got ${JSON.stringify(value)?.slice(0, 40)}` };
  if (typeof value === 'number') return Number.isSafeInteger(value) ? { value: String(value) } : { error: `must be an int64 (its entity's valueType), got ${value}` };
  if (typeof value === 'string' && /^[+-]?[0-9]{1,20}$/.test(value.trim())) {
    const n = BigInt(value.trim());
    if (n >= INT64_MIN && n <= INT64_MAX) return { value: n.toString() };
  }
  return { error: `must be an int64 (its entity's valueType), got ${JSON.stringify(value)?.slice(0, 40)}` };
}
