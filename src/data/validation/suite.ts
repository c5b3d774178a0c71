/**
 * The expectation suite: a versioned, public JSON document (spec: docs/specs/expectation-suite.md).
 * `parseSuite` validates it strictly — unknown fields and wrong types are InputErrors naming the JSON
 * path (`expectations[3].maxMissing: unknown field`) — and pre-compiles what can fail early (regexes,
 * rules, durations), so a bad suite fails before any data is read.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError, KilnError, NotFoundError } from '../../core/errors.js';
import { EXPECTATION_REGISTRY, isExpectationType } from './expectation-registry.js';
import type { ExpectationSpec } from './expectation-registry.js';
import { parseRule } from './expression/rule-parser.js';
import { durationToMs } from './iso-duration.js';
import { compileSafeRegex } from './regex-safety.js';

/** The suite format version this Kiln reads and writes. */
export const SUITE_VERSION = 1;

/** A parsed, frozen expectation suite. */
export interface Suite {
  readonly suiteVersion: 1;
  readonly name: string;
  readonly description?: string;
  readonly expectations: readonly ExpectationSpec[];
}

const suiteShape = z.strictObject({
  suiteVersion: z.number(),
  name: z.string().min(1),
  description: z.string().optional(),
  expectations: z.array(z.unknown()),
});

/** `["expectations", 3, "maxMissing"]` -> `expectations[3].maxMissing`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(root)' : out;
}

function issueMessages(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${formatJsonPath([...path, key])}: unknown field`);
    } else if (issue.code === 'invalid_union') {
      // zod reports a union mismatch as "Invalid input"; name the accepted types instead.
      const expected = [...new Set(issue.errors.flat().flatMap((i) => (i.code === 'invalid_type' ? [i.expected] : [])))];
      out.push(`${formatJsonPath(path)}: expected ${expected.length > 0 ? expected.join(' or ') : 'a different value'}`);
    } else if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
      out.push(`${formatJsonPath(path)}: required field is missing`);
    } else {
      out.push(`${formatJsonPath(path)}: ${issue.message.replace(/^Invalid input: /, '').replace(/^Invalid option: /, '')}`);
    }
  }
  return out;
}

function fail(problems: string[], source?: string): never {
  const shown = problems.slice(0, 5).join('; ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  throw new InputError(`invalid expectation suite${source ? ` ${source}` : ''}: ${shown}${more}`, { ...(source ? { file: source } : {}), problems }, 'Fix the listed fields; see docs/specs/expectation-suite.md for the format.');
}

/** Validate a suite document (already JSON-parsed) and return it frozen with defaults applied. */
export function parseSuite(json: unknown, source?: string): Suite {
  const top = suiteShape.safeParse(json);
  if (!top.success) fail(issueMessages(top.error.issues, []), source);
  if (top.data.suiteVersion !== SUITE_VERSION) {
    fail([`suiteVersion: unsupported version ${top.data.suiteVersion}; this Kiln reads version ${SUITE_VERSION}`], source);
  }
  const problems: string[] = [];
  const expectations: ExpectationSpec[] = [];
  const ids = new Set<string>();
  top.data.expectations.forEach((raw, i) => {
    const where = `expectations[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${where}: expected an object`);
      return;
    }
    const type = (raw as { type?: unknown }).type;
    if (!isExpectationType(type)) {
      problems.push(`${where}.type: ${type === undefined ? 'required field is missing' : `unknown expectation type ${JSON.stringify(type)}`} (known: ${Object.keys(EXPECTATION_REGISTRY).join(', ')})`);
      return;
    }
    const res = EXPECTATION_REGISTRY[type].schema.safeParse(raw);
    if (!res.success) {
      problems.push(...issueMessages(res.error.issues, ['expectations', i]));
      return;
    }
    const spec = res.data as ExpectationSpec;
    const id = spec.id ?? String(i);
    if (ids.has(id)) problems.push(`${where}.id: duplicate id ${JSON.stringify(id)}`);
    ids.add(id);
    try {
      precompile(spec, `${where} (${spec.type}${spec.id ? ` "${spec.id}"` : ''})`);
    } catch (err) {
      if (err instanceof KilnError) problems.push(err.message);
      else throw err;
    }
    expectations.push(Object.freeze(spec));
  });
  if (problems.length > 0) fail(problems, source);
  return Object.freeze({
    suiteVersion: SUITE_VERSION,
    name: top.data.name,
    ...(top.data.description !== undefined ? { description: top.data.description } : {}),
    expectations: Object.freeze(expectations),
  });
}

function precompile(spec: ExpectationSpec, where: string): void {
  if (spec.type === 'column_values_match_regex') compileSafeRegex(spec.pattern, spec.ignoreCase ? 'iu' : 'u', where);
  else if (spec.type === 'table_rule') parseRule(spec.rule);
  else if (spec.type === 'column_freshness') durationToMs(spec.maxAge, where);
}

/** Read and parse a suite JSON file. */
export async function loadSuite(path: string): Promise<Suite> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`expectation suite file not found: ${path}`, { file: path });
    throw new InputError(`cannot read expectation suite ${path}: ${(err as Error).message}`, { file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`expectation suite ${path} is not valid JSON: ${(err as Error).message}`, { file: path }, 'Check the file with a JSON linter.');
  }
  return parseSuite(json, path);
}

/** The id an expectation reports under: its `id`, or its index in the suite. */
export function expectationId(spec: ExpectationSpec, index: number): string {
  return spec.id ?? String(index);
}
