/**
 * `kiln --version` / `kiln --help` stay fast (goal: under 150 ms) because the CLI's entry module
 * statically imports only commander and its own light modules; DuckDB, SQLite, PostgreSQL, fastify
 * and the ML code are imported inside the actions that need them. This walks the compiled static
 * import graph, so a new top-level import of a heavy module fails here rather than slowing every
 * command. (Wall time is not asserted: CI boxes are shared; measure with `hyperfine "node bin/kiln.js --version"`.)
 */
import { readFileSync } from 'node:fs';
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
});
