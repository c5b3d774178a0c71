/**
 * Which methods each route path answers, for 405 Method Not Allowed with an `Allow` header (Fastify
 * answers 404 for a known path with a wrong method). Fed by the `onRoute` hook, so every route file
 * is covered without listing its routes twice.
 */

/** Methods by route pattern (`/v1/datasets/:name`). */
export class RouteMethods {
  private readonly routes: { readonly pattern: RegExp; readonly methods: Set<string> }[] = [];
  private readonly byUrl = new Map<string, Set<string>>();

  /** Record that `url` (a Fastify route pattern) answers `methods`. */
  add(methods: string | readonly string[], url: string): void {
    let set = this.byUrl.get(url);
    if (!set) {
      set = new Set();
      this.byUrl.set(url, set);
      this.routes.push({ pattern: patternOf(url), methods: set });
    }
    for (const m of typeof methods === 'string' ? [methods] : methods) set.add(m.toUpperCase());
  }

  /** The methods the path of `rawUrl` answers, sorted; empty when no route matches the path. */
  allowed(rawUrl: string): string[] {
    const path = rawUrl.split('?')[0];
    const out = new Set<string>();
    for (const r of this.routes) if (r.pattern.test(path)) for (const m of r.methods) out.add(m);
    return [...out].sort();
  }
}

function patternOf(url: string): RegExp {
  const parts = url.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('/')}/?$`);
}
