import type { Context } from 'hono';
import type { App, AppEnv } from '../context.js';
import { problem } from '../problems/problem.js';
import { problemResponse } from '../problems/respond.js';

const cache = new WeakMap<App, { pattern: RegExp; method: string }[]>();

function routesOf(app: App): { pattern: RegExp; method: string }[] {
  let routes = cache.get(app);
  if (!routes) {
    routes = app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ method: r.method, pattern: new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}$`) }));
    cache.set(app, routes);
  }
  return routes;
}

/** A 405 with `Allow` when the path exists for other methods; undefined when the path is unknown. */
export function methodNotAllowed(app: App, c: Context<AppEnv>): Response | undefined {
  const allowed = [...new Set(routesOf(app).filter((r) => r.pattern.test(c.req.path)).map((r) => r.method))];
  if (!allowed.length) return undefined;
  return problemResponse(
    problem(405, 'method-not-allowed', `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(', ')}`, c.get('requestId'), { allowed }),
    { Allow: allowed.join(', ') },
  );
}

/** Whether a route exists for this method and path (else the request ends in 404 or 405). */
export function hasRoute(app: App, method: string, path: string): boolean {
  return routesOf(app).some((r) => r.method === method && r.pattern.test(path));
}
