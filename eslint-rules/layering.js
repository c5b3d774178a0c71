/**
 * ESLint rule `kiln/layering`: no upward imports between the rooms of src/ (ARCHITECTURE.md, "Layering").
 * A module may import from its own room and from rooms below it, never from a room above. The ranks
 * below are the single source of the rule; ARCHITECTURE.md's table mirrors them.
 */
import { dirname, relative, resolve, sep } from 'node:path';

/** Room -> rank. Equal ranks may not import each other (except within one room). */
export const ROOM_RANKS = {
  core: 0,
  runtime: 1,
  client: 1, // kiln/client: core only (a browser-safe HTTP client)
  ml: 2,
  store: 3,
  security: 4,
  data: 5,
  jobs: 6,
  tracking: 7,
  training: 8,
  registry: 9,
  features: 10,
  serving: 11,
  monitoring: 12,
  pipelines: 13,
  server: 14,
  cli: 15,
};

/**
 * Files directly in src/: configuration and version are importable by everyone; `kiln.ts` (the composition
 * root, `openKiln`) sits above every service and below the server and CLI that receive the `Kiln` object;
 * `index.ts` (the package entry) re-exports everything.
 */
const ROOT_FILES = { 'config.ts': -1, 'version.ts': -1, 'kiln.ts': 13.5, 'index.ts': 100 };

function roomOf(srcDir, file) {
  const rel = relative(srcDir, file);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(sep);
  if (parts.length === 1) {
    const name = parts[0].replace(/\.js$/, '.ts');
    return name in ROOT_FILES ? { name, rank: ROOT_FILES[name] } : null;
  }
  const name = parts[0];
  return name in ROOM_RANKS ? { name, rank: ROOM_RANKS[name] } : { name, rank: null };
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'forbid imports from a higher layer of src/ (see ARCHITECTURE.md)' },
    schema: [],
    messages: {
      upward: '{{from}} (layer {{fromRank}}) must not import {{to}} (layer {{toRank}}): lower layers never import higher ones. Publish an event, poll, or move the shared part down (ARCHITECTURE.md, Layering).',
      unknown: 'src/{{room}} is not a known room: add it to eslint-rules/layering.js and ARCHITECTURE.md.',
    },
  },
  create(context) {
    const file = context.filename;
    const srcDir = resolve(context.cwd, 'src');
    const from = roomOf(srcDir, file);
    if (!from || /\.test\.ts$/.test(file)) return {};
    if (from.rank === null) {
      return {
        Program(node) {
          context.report({ node, messageId: 'unknown', data: { room: from.name } });
        },
      };
    }
    function check(node, source) {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const to = roomOf(srcDir, resolve(dirname(file), source.value));
      if (!to || to.name === from.name || to.rank === null) return;
      if (to.rank >= from.rank && from.rank !== 100) {
        context.report({ node, messageId: 'upward', data: { from: `src/${from.name}`, fromRank: String(from.rank), to: `src/${to.name}`, toRank: String(to.rank) } });
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

/** The plugin object for eslint.config.js. */
export const kilnPlugin = { rules: { layering: layeringRule } };
