/**
 * Model bundle v1: sealing (checksum) and loading (format, version and checksum checks). The spec is
 * docs/specs/model-bundle.md.
 */
import { InputError } from '../core/errors.js';
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
  return b as ModelBundle;
}
