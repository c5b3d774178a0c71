/**
 * Model references: `NAME@VERSION`, `NAME@ALIAS`, `NAME@production` / `NAME@staging` (the newest version
 * in that stage), `NAME@latest`. Model names follow the dataset rules (safe in URLs, paths and SQL);
 * aliases are lowercase identifiers that cannot shadow a stage, `latest` or a number.
 */
import { UsageError } from '../core/errors.js';
import { quoteForMessage } from '../data/datasets/data-ref.js';
import type { VersionSelector } from '../store/model-registry-repository.js';

/** A parsed model reference. */
export interface ModelRef {
  readonly name: string;
  readonly selector: VersionSelector;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ALIAS = /^[a-z][a-z0-9_-]{0,62}$/;
const VERSION = /^[1-9][0-9]{0,15}$/;
/** Selector words that are not aliases. */
const RESERVED = new Set(['latest', 'production', 'staging', 'archived', 'none']);
const NAME_RULES = 'Model names are 1-128 characters: letters, digits, ".", "_" and "-", starting with a letter or digit (no "..").';
const ALIAS_RULES = 'Aliases are 1-63 lowercase letters, digits, "_" or "-", starting with a letter; not latest, production, staging, archived or none.';

/** Whether `name` follows the model name rules. */
export function isModelName(name: string): boolean {
  return NAME.test(name) && !name.includes('..');
}

/** Check a model name (`field` names where it came from). */
export function checkModelName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || !isModelName(name)) {
    throw new UsageError(`invalid model name ${typeof name === 'string' ? quoteForMessage(name) : typeof name}`, { field }, NAME_RULES);
  }
  return name;
}

/** Check an alias name. */
export function checkAliasName(alias: unknown, field = 'alias'): string {
  if (typeof alias !== 'string' || !ALIAS.test(alias) || RESERVED.has(alias)) {
    throw new UsageError(`invalid alias ${typeof alias === 'string' ? quoteForMessage(alias) : typeof alias}`, { field }, ALIAS_RULES);
  }
  return alias;
}

/** Parse `NAME@SELECTOR`; a bare `NAME` means `NAME@latest` only when `bareIsLatest`. */
export function parseModelRef(ref: unknown, field = 'ref', bareIsLatest = false): ModelRef {
  if (typeof ref !== 'string' || ref.length === 0) throw new UsageError(`${field} must be a model reference NAME@VERSION, NAME@ALIAS, NAME@production or NAME@latest`, { field });
  const at = ref.lastIndexOf('@');
  if (at < 0) {
    if (!bareIsLatest) throw new UsageError(`${field} ${quoteForMessage(ref)} names no version: use NAME@VERSION, NAME@ALIAS, NAME@production or NAME@latest`, { field });
    return { name: checkModelName(ref, field), selector: { kind: 'latest' } };
  }
  const name = checkModelName(ref.slice(0, at), field);
  const sel = ref.slice(at + 1);
  if (sel === 'latest') return { name, selector: { kind: 'latest' } };
  if (sel === 'production' || sel === 'staging') return { name, selector: { kind: 'stage', stage: sel } };
  if (VERSION.test(sel)) {
    const version = Number(sel);
    if (!Number.isSafeInteger(version)) throw new UsageError(`version ${sel} in ${field} is too large`, { field });
    return { name, selector: { kind: 'version', version } };
  }
  if (ALIAS.test(sel) && !RESERVED.has(sel)) return { name, selector: { kind: 'alias', alias: sel } };
  throw new UsageError(`invalid version or alias ${quoteForMessage(sel)} in ${field} ${quoteForMessage(ref)}`, { field, part: 'selector' }, `${ALIAS_RULES} Versions are positive integers.`);
}

/** Whether a string is shaped like a model reference (`NAME@...` with a valid name), e.g. to tell it from a file path. */
export function looksLikeModelRef(s: string): boolean {
  const at = s.lastIndexOf('@');
  return at > 0 && isModelName(s.slice(0, at));
}

/** The printable form of a selector. */
export function selectorText(selector: VersionSelector): string {
  switch (selector.kind) {
    case 'version':
      return String(selector.version);
    case 'alias':
      return selector.alias;
    case 'stage':
      return selector.stage;
    case 'latest':
      return 'latest';
  }
}
