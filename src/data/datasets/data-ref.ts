/**
 * Data references: wherever a file is accepted, `NAME@VERSION` or `NAME@latest` names a registered
 * dataset version instead. Dataset names are restricted so they are safe in URLs, paths and SQL.
 */
import { UsageError } from '../../core/errors.js';

/** A parsed `NAME@VERSION` reference. */
export interface DatasetRef {
  readonly name: string;
  readonly version: number | 'latest';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const VERSION = /^(latest|[1-9][0-9]{0,9})$/;
const NAME_RULES = 'Names are 1-128 characters: letters, digits, ".", "_" and "-", starting with a letter or digit (no "/" or "..").';
const REF = /^([A-Za-z0-9][A-Za-z0-9._-]{0,127})@(latest|[1-9][0-9]{0,9})$/;

/** Parse `NAME@VERSION` / `NAME@latest`; null when the string is not shaped like a reference. */
export function parseDatasetRef(s: string): DatasetRef | null {
  const m = REF.exec(s);
  if (!m) return null;
  return { name: m[1], version: m[2] === 'latest' ? 'latest' : Number(m[2]) };
}

/** Longest value echoed back in an error message (hostile inputs can be megabytes). */
const ECHO_LIMIT = 80;

/** Quote a user-supplied value for a message: JSON-escaped (NUL and control characters visible) and truncated. */
export function quoteForMessage(value: string): string {
  return value.length > ECHO_LIMIT ? `${JSON.stringify(value.slice(0, ECHO_LIMIT))}...` : JSON.stringify(value);
}

/**
 * Parse a reference strictly, blaming the part that is wrong: a value without `@`, a bad name, or a bad
 * version each get their own message. `field` names where the reference came from (`dataset`, `source`).
 */
export function checkDatasetRef(value: unknown, field: string): DatasetRef {
  if (typeof value !== 'string' || !value.includes('@')) {
    const shown = typeof value === 'string' ? quoteForMessage(value) : typeof value;
    throw new UsageError(`${field} must be a registered dataset version NAME@VERSION (got ${shown})`, { field }, 'Use NAME@3 or NAME@latest; see `kiln data list` (HTTP: GET /v1/datasets).');
  }
  const at = value.indexOf('@');
  const name = value.slice(0, at);
  const version = value.slice(at + 1);
  if (!NAME.test(name) || name.includes('..')) {
    throw new UsageError(`invalid dataset name ${quoteForMessage(name)} in ${field}`, { field, part: 'name' }, NAME_RULES);
  }
  if (!VERSION.test(version)) {
    throw new UsageError(`invalid version ${quoteForMessage(version)} in ${field} ${quoteForMessage(value)}`, { field, part: 'version' }, 'A version is a positive integer (1, 2, ...) or "latest".');
  }
  return { name, version: version === 'latest' ? 'latest' : Number(version) };
}

/** Whether `name` follows the dataset name rules. */
export function isDatasetName(name: string): boolean {
  return NAME.test(name) && !name.includes('..');
}

/** Check a dataset name, explaining the rules when it breaks them. */
export function checkDatasetName(name: string): string {
  if (typeof name !== 'string' || !NAME.test(name) || name.includes('..')) {
    throw new UsageError(
      `invalid dataset name ${typeof name === 'string' ? quoteForMessage(name) : typeof name}`,
      { field: 'name' },
      NAME_RULES,
    );
  }
  return name;
}
