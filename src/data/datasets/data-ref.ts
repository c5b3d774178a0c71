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
const REF = /^([A-Za-z0-9][A-Za-z0-9._-]{0,127})@(latest|[1-9][0-9]{0,9})$/;

/** Parse `NAME@VERSION` / `NAME@latest`; null when the string is not shaped like a reference. */
export function parseDatasetRef(s: string): DatasetRef | null {
  const m = REF.exec(s);
  if (!m) return null;
  return { name: m[1], version: m[2] === 'latest' ? 'latest' : Number(m[2]) };
}

/** Check a dataset name, explaining the rules when it breaks them. */
export function checkDatasetName(name: string): string {
  if (typeof name !== 'string' || !NAME.test(name) || name.includes('..')) {
    throw new UsageError(
      `invalid dataset name ${JSON.stringify(name)}`,
      { field: 'name' },
      'Names are 1-128 characters: letters, digits, ".", "_" and "-", starting with a letter or digit (no "/" or "..").',
    );
  }
  return name;
}
