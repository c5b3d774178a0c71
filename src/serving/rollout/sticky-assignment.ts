/**
 * Sticky assignment: the request's key (a body field or a header) is hashed with the rollout's id into a
 * number in [0, 1) that picks the variant by the endpoint's weights, so one key sees one variant on every
 * server and after restarts (the hash depends on nothing else), and a new experiment reshuffles keys.
 */
import type { RequestKeySource } from '../scoring-hooks.js';

/** FNV-1a over UTF-16 code units, then a murmur3 finalizer for avalanche; uniform in [0, 1). */
export function stickyUnit(salt: string, key: string): number {
  let h = 0x811c9dc5;
  const s = `${salt}\u0000${key}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

function scalar(v: unknown): string | null {
  if (typeof v === 'string') return v.length > 0 && v.length <= 1024 ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return null;
}

function firstOf(v: unknown): unknown {
  let x = v;
  for (let depth = 0; depth < 4 && Array.isArray(x); depth++) x = x[0];
  return x;
}

/**
 * The sticky key of a request: `header:NAME` reads that header; a field name reads the first instance's
 * field (native `instances` or `columns`), an Open Inference Protocol input tensor of that name, or
 * `parameters[NAME]`. Null when absent or not a scalar.
 */
export function stickyKeyOf(spec: string, request: RequestKeySource | undefined): string | null {
  if (!request) return null;
  if (spec.startsWith('header:')) {
    const h = request.headers[spec.slice(7).toLowerCase()];
    return scalar(Array.isArray(h) ? h[0] : h);
  }
  const body = request.body;
  if (typeof body !== 'object' || body === null) return null;
  const b = body as { instances?: unknown; columns?: unknown; inputs?: unknown; parameters?: unknown };
  if (Array.isArray(b.instances) && typeof b.instances[0] === 'object' && b.instances[0] !== null) {
    const v = scalar((b.instances[0] as Record<string, unknown>)[spec]);
    if (v !== null) return v;
  }
  if (typeof b.columns === 'object' && b.columns !== null && Object.hasOwn(b.columns, spec)) {
    const v = scalar(firstOf((b.columns as Record<string, unknown>)[spec]));
    if (v !== null) return v;
  }
  if (Array.isArray(b.inputs)) {
    const input = b.inputs.find((i: unknown) => typeof i === 'object' && i !== null && (i as { name?: unknown }).name === spec) as { data?: unknown } | undefined;
    const v = input ? scalar(firstOf(input.data)) : null;
    if (v !== null) return v;
  }
  if (typeof b.parameters === 'object' && b.parameters !== null && Object.hasOwn(b.parameters, spec)) return scalar((b.parameters as Record<string, unknown>)[spec]);
  return null;
}
