/**
 * Read a masking policy file for `kiln data register --mask` (imported lazily by the command).
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { parseMaskingPolicy } from '../security/pii/masking-policy.js';
import type { MaskingPolicy } from '../security/pii/masking-policy.js';

/** The policy in `file`; InputError naming the file when it is missing or malformed. */
export async function readMaskingPolicy(file: string): Promise<MaskingPolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError(`cannot read masking policy ${file}`, { file, field: 'mask' });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`masking policy ${file} is not valid JSON: ${(err as Error).message}`, { file, field: 'mask' });
  }
  return parseMaskingPolicy(doc);
}
