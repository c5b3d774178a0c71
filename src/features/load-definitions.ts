/**
 * Reads a definitions file (`features.yaml`, `.yml` or `.json`), or the one such file in a folder, and
 * parses it (`parse-definitions.ts`) with relative source paths resolved against the file's folder.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError, NotFoundError } from '../core/errors.js';
import type { FeatureDefinitions } from './definitions.js';
import { parseDefinitions } from './parse-definitions.js';

const FILE_NAMES = ['features.yaml', 'features.yml', 'features.json'];
const MAX_BYTES = 8 * 1024 * 1024;

/** Load and validate the definitions at `target` (a file, or a folder holding `features.yaml`). */
export async function loadDefinitions(target: string): Promise<{ file: string; definitions: FeatureDefinitions }> {
  const file = await definitionsFile(resolve(target));
  const st = await stat(file);
  if (st.size > MAX_BYTES) throw new InputError(`${file} is ${st.size} bytes; a definitions file may have at most ${MAX_BYTES}`, { file });
  const text = await readFile(file, 'utf8');
  let raw: unknown;
  try {
    // Aliases are capped so a hostile file cannot expand exponentially ("billion laughs").
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (err) {
    throw new InputError(`${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`, { file }, 'Fix the syntax; `kiln features apply` reads YAML or JSON.');
  }
  return { file, definitions: parseDefinitions(raw ?? {}, dirname(file), file) };
}

async function definitionsFile(target: string): Promise<string> {
  const st = await stat(target).catch(() => null);
  if (st === null) throw new NotFoundError(`no such file or folder: ${target}`, { file: target }, 'Pass a features.yaml file or the folder holding it.');
  if (st.isFile()) return target;
  for (const name of FILE_NAMES) {
    const candidate = join(target, name);
    if ((await stat(candidate).catch(() => null))?.isFile()) return candidate;
  }
  throw new NotFoundError(`${target} holds none of ${FILE_NAMES.join(', ')}`, { file: target }, 'Write the definitions into features.yaml in that folder, or pass the file itself.');
}
