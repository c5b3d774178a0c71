/** The `kiln/layering` lint rule: upward imports between rooms of src/ fail the lint; downward ones pass. */
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { kilnPlugin } from '../eslint-rules/layering.js';

const linter = new Linter({ cwd: '/repo', configType: 'flat' });
const config: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser }, plugins: { kiln: kilnPlugin }, rules: { 'kiln/layering': 'error' } }];

function lint(file: string, code: string): string[] {
  return linter.verify(code, config, { filename: `/repo/${file}` }).map((m) => m.message);
}

describe('kiln/layering', () => {
  it('refuses an upward import and names both layers', () => {
    const [msg] = lint('src/store/sql/x.ts', "import { a } from '../../serving/batch-predict.js';");
    expect(msg).toContain('src/store (layer 3) must not import src/serving (layer 11)');
    expect(lint('src/runtime/x.ts', "export * from '../ml/index.js';")).toHaveLength(1);
    expect(lint('src/data/x.ts', "const m = await import('../cli/main.js');")).toHaveLength(1);
    expect(lint('src/serving/x.ts', "import { openKiln } from '../kiln.js';")).toHaveLength(1);
  });

  it('allows imports from the same room, lower rooms, and the composition root from server and cli', () => {
    expect(lint('src/serving/x.ts', "import { a } from '../data/io/read-frame.js'; import { b } from './y.js'; import { c } from '../core/frame.js';")).toEqual([]);
    expect(lint('src/server/x.ts', "import type { Kiln } from '../kiln.js';")).toEqual([]);
    expect(lint('src/kiln.ts', "import { a } from './serving/batch-predict.js';")).toEqual([]);
    expect(lint('src/store/x.ts', "import { a } from 'node:fs'; import { b } from 'kysely';")).toEqual([]);
  });

  it('flags a folder in src/ that is not a known room', () => {
    expect(lint('src/misc/x.ts', 'export const a = 1;')[0]).toContain('src/misc is not a known room');
  });
});
