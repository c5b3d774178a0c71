/**
 * `kiln --version` / `kiln --help` stay fast (goal: under 150 ms) because the CLI's entry module
 * statically imports only commander and its own light modules; DuckDB, SQLite, PostgreSQL, fastify
 * and the ML code are imported inside the actions that need them. This walks the compiled static
 * import graph, so a new top-level import of a heavy module fails here rather than slowing every
 * command. `kiln [command...] --help` goes further: bin/kiln.js prints it from dist/cli/help-snapshot.json
 * (written by `npm run build` from the real tree), and this checks that file against commander's own
 * rendering of every command, so it cannot drift. (Wall time is not asserted: CI boxes are shared; measure with `hyperfine "node bin/kiln.js --version"`.)
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runKiln, tempDir } from './run-kiln.js';

function staticImports(entry: string): { files: string[]; packages: string[] } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    // Compiled ESM: `import x from '...'` and `export ... from '...'`; `import type` is erased by tsc.
    for (const m of src.matchAll(/^(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  }
  return { files: [...seen].map((f) => relative(REPO, f)).sort(), packages: [...packages].sort() };
}

describe('kiln startup', () => {
  it('loads no heavy module before a command runs', () => {
    const { files, packages } = staticImports(join(REPO, 'dist/cli/main.js'));
    expect(packages.filter((p) => !p.startsWith('node:'))).toEqual(['commander']);
    expect(files.filter((f) => /\/(ml|server|serving|runtime|monitoring|data\/(io|profile|validation|run))\//.test(f))).toEqual([]);
  });

  it('opens the platform without loading drivers and engines it was not configured for', () => {
    // `openKiln` (every CLI command that touches the store) composes all services; the drivers of the
    // scaled-out adapters, DuckDB, OIDC, Prometheus and ONNX load on first use (~0.8 s per command before).
    const { packages } = staticImports(join(REPO, 'dist/kiln.js'));
    const lazy = ['bullmq', 'ioredis', 'pg', 'jose', 'prom-client', 'onnx-proto', 'onnxruntime-node', '@duckdb/node-api', '@duckdb/node-bindings', 'nats', '@aws-sdk/client-s3', 'fastify', 'nodemailer'];
    expect(packages.filter((p) => lazy.includes(p))).toEqual([]);
  });

  it('answers --version and --help', async () => {
    const home = await tempDir();
    const v = await runKiln(['--version'], { home });
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const h = await runKiln(['--help'], { home });
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('predict');
  });

  it('prints every --help from a snapshot that equals commander\'s rendering of the real tree', async () => {
    type Snapshot = { width: number; entries: Record<string, { text: string; wide: boolean }> };
    const written = JSON.parse(readFileSync(join(REPO, 'dist/cli/help-snapshot.json'), 'utf8')) as Snapshot;
    const mod = (await import(pathToFileURL(join(REPO, 'dist/cli/help-snapshot.js')).href)) as { renderHelpSnapshot(): Promise<Snapshot> };
    expect(written).toEqual(await mod.renderHelpSnapshot());
    expect(Object.keys(written.entries)).toEqual(expect.arrayContaining(['', 'train', 'data validate', 'models']));
    const home = await tempDir();
    for (const path of [[], ['train'], ['data', 'validate']]) {
      const r = await runKiln([...path, '--help'], { home });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(written.entries[path.join(' ')].text);
    }
    // Not in the snapshot (options before --help, an unknown command): commander answers as before.
    const opts = await runKiln(['train', '--json', '--help'], { home });
    expect(opts.code).toBe(0);
    expect(opts.stdout).toBe(written.entries.train.text);
    const unknown = await runKiln(['nosuchcommand', '--help'], { home });
    expect(unknown.code).toBe(0); // commander's own answer: the root help
    expect(unknown.stdout).toBe(written.entries[''].text);
  });

  it('answers --help in bin/kiln.js without importing the command tree', () => {
    // The fast path reads JSON; only the fallback imports dist/cli/main.js.
    const bin = readFileSync(join(REPO, 'bin/kiln.js'), 'utf8');
    expect(bin.match(/^import .* from '([^']+)';$/gm)).toEqual([
      "import { existsSync, readFileSync, statSync } from 'node:fs';",
      "import { fileURLToPath } from 'node:url';",
    ]);
  });
});
