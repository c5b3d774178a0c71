/**
 * Read a masking policy file for `kiln data register --mask` and `kiln endpoints create|update
 * --capture-mask` (imported lazily by the commands).
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { parseMaskingPolicy } from '../security/pii/masking-policy.js';
import type { MaskingPolicy } from '../security/pii/masking-policy.js';

/** The policy in `file`; InputError naming the file when it is missing or malformed. */
export async function readMaskingPolicy(file: string): Promise<MaskingPolicy> {
  return parseMaskingPolicy(await readJsonDocument(file, 'mask'));
}

/** The JSON document in a policy file (checked by the caller); InputError naming the file and `flag`. */
export async function readJsonDocument(file: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError(`cannot read masking policy ${file}`, { file, field: flag });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`masking policy ${file} is not valid JSON: ${(err as Error).message}`, { file, field: flag });
  }
}
