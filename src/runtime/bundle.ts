/**
 * Model bundle v1: sealing (checksum) and loading (format, version and checksum checks). The spec is
 * docs/specs/model-bundle.md.
 */
import { InputError } from '../core/errors.js';
import { isColumnType } from '../core/schema.js';
import { sha256HexOfString } from '../core/sha256.js';
import type { ModelBundle } from './bundle-types.js';
import { canonicalJson } from './canonical-json.js';

/** The only bundle format version this runtime reads. */
export const BUNDLE_FORMAT_VERSION = 1;

/** A bundle before its checksum is computed. */
export type UnsealedBundle = Omit<ModelBundle, 'checksum'>;

/** Checksum of a bundle: sha256 of the canonical JSON of everything but `checksum`. */
export function bundleChecksum(bundle: UnsealedBundle | ModelBundle): string {
  const { checksum: _ignored, ...rest } = bundle as ModelBundle;
  return sha256HexOfString(canonicalJson(rest));
}

/** Add the checksum to a finished bundle. */
export function sealBundle(bundle: UnsealedBundle): ModelBundle {
  return { ...bundle, checksum: bundleChecksum(bundle) };
}

/** Serialize a sealed bundle to JSON text. */
export function stringifyBundle(bundle: ModelBundle): string {
  return JSON.stringify(bundle);
}

/** Parse and verify a bundle from JSON text or an already-parsed object. */
export function parseBundle(input: string | unknown, source = 'bundle'): ModelBundle {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (err) {
      throw new InputError(`${source} is not valid JSON: ${(err as Error).message}`, { file: source }, 'Pass a model bundle written by `kiln train`.');
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(`${source} is not a model bundle (expected a JSON object)`, { file: source });
  const b = doc as Partial<ModelBundle>;
  if (b.format !== 'kiln.model') throw new InputError(`${source} is not a Kiln model bundle (format is ${JSON.stringify(b.format)})`, { file: source, field: 'format' });
  if (b.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw new InputError(
      `${source} has bundle format version ${JSON.stringify(b.formatVersion)}; this Kiln reads version ${BUNDLE_FORMAT_VERSION}`,
      { file: source, field: 'formatVersion' },
      'Re-train the model with this Kiln version, or upgrade Kiln.',
    );
  }
  for (const field of ['signature', 'preprocessing', 'model', 'metadata', 'baseline', 'checksum'] as const) {
    if (b[field] === undefined) throw new InputError(`${source} is missing "${field}"`, { file: source, field });
  }
  const expected = bundleChecksum(b as ModelBundle);
  if (b.checksum !== expected) {
    throw new InputError(`${source} failed its checksum (stored ${String(b.checksum).slice(0, 12)}…, computed ${expected.slice(0, 12)}…): the file was modified or corrupted`, { file: source, field: 'checksum' });
  }
  checkStructure(b as Record<string, unknown>, source);
  return b as ModelBundle;
}

const TASKS: readonly string[] = ['binary', 'multiclass', 'regression', 'ranking'];

/**
 * The checksum proves the bundle is unmodified, not that it is well-formed: a hand-made or
 * re-sealed bundle gets a clear error naming the field instead of a crash deep in the scorer.
 */
function checkStructure(b: Record<string, unknown>, source: string): void {
  const fail = (field: string, want: string, got: unknown): never => {
    const shown = JSON.stringify(got);
    throw new InputError(
      `${source}: "${field}" must be ${want} (got ${shown === undefined ? String(got) : shown.length > 60 ? `${shown.slice(0, 60)}…` : shown})`,
      { file: source, field },
      'The bundle is malformed; re-train the model with `kiln train`.',
    );
  };
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const sig = b.signature;
  if (!isObject(sig)) return fail('signature', 'an object', sig);
  if (!Array.isArray(sig.inputs)) return fail('signature.inputs', 'an array of {name, type, nullable}', sig.inputs);
  sig.inputs.forEach((input: unknown, i) => {
    const at = `signature.inputs[${i}]`;
    if (!isObject(input)) return fail(at, 'an object {name, type, nullable}', input);
    if (typeof input.name !== 'string' || input.name === '') fail(`${at}.name`, 'a non-empty string', input.name);
    if (typeof input.type !== 'string' || !isColumnType(input.type)) fail(`${at}.type`, 'a column type (numeric, categorical, boolean, timestamp, text)', input.type);
    if (typeof input.nullable !== 'boolean') fail(`${at}.nullable`, 'true or false', input.nullable);
    if (input.categories !== undefined && !isStrings(input.categories)) fail(`${at}.categories`, 'an array of strings', input.categories);
  });
  if (typeof sig.target !== 'string') fail('signature.target', 'a string', sig.target);
  if (typeof sig.task !== 'string' || !TASKS.includes(sig.task)) fail('signature.task', `one of ${TASKS.join(', ')}`, sig.task);
  if (!isStrings(sig.outputs)) fail('signature.outputs', 'an array of strings', sig.outputs);
  if (!Array.isArray(b.preprocessing)) fail('preprocessing', 'an array of transformer states', b.preprocessing);
  (b.preprocessing as unknown[]).forEach((t, i) => {
    if (!isObject(t) || typeof t.kind !== 'string') fail(`preprocessing[${i}]`, 'an object with a string "kind"', t);
  });
  if (!isObject(b.model) || typeof b.model.kind !== 'string') fail('model', 'an object with a string "kind"', b.model);
  if (b.labels !== undefined && !isStrings(b.labels)) fail('labels', 'an array of strings', b.labels);
  if (!isObject(b.metadata)) fail('metadata', 'an object', b.metadata);
  if (!isObject(b.baseline)) fail('baseline', 'an object', b.baseline);
}
