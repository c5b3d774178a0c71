/**
 * Model references that are bundle files (`./model.json`, `/abs/model.json`, `file:model.json`). The key
 * is the bundle's own checksum (its first 16 hex digits), so two paths to the same bundle share one loaded model. Files do not move:
 * replacing a file is seen on the next endpoint change, not by polling.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { NotFoundError } from '../core/errors.js';
import { parseBundle } from '../runtime/bundle.js';
import type { ModelSource, ResolvedModel } from './model-source.js';

/** Reads bundle files from the local file system. */
export class FileModelSource implements ModelSource {
  async resolve(ref: string): Promise<ResolvedModel> {
    const path = resolve(ref.startsWith('file:') ? ref.slice(5) : ref);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new NotFoundError(`model bundle not found: ${ref}`, { field: 'model', file: ref }, 'Pass a bundle written by `kiln train --out`, or trained:ID.');
    }
    const bundle = parseBundle(text, ref);
    return { key: `sha256:${bundle.checksum.slice(0, 16)}`, moving: false, load: async () => text };
  }
}
