import type { Context } from 'hono';
import type { App, AppEnv } from '../context.js';
import { problem } from '../problems/problem.js';
import { problemResponse } from '../problems/respond.js';

interface Route {
  pattern: RegExp;
  method: string;
  /** Segments written out, not parameters: `/subscriptions/deliveries` is more specific than `/subscriptions/:id`. */
  literals: number;
}

const cache = new WeakMap<App, Route[]>();

function routesOf(app: App): Route[] {
  let routes = cache.get(app);
  if (!routes) {
    routes = app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({
        method: r.method,
        pattern: new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}$`),
        literals: r.path.split('/').filter((s) => s !== '' && !s.startsWith(':') && s !== '*').length,
      }));
    cache.set(app, routes);
  }
  return routes;
}

/**
 * A 405 with `Allow` when the path exists for other methods; undefined when the path is unknown. The methods are
 * those of the most specific templates the path matches, as a router picks them: `/subscriptions/deliveries` allows
 * what that route allows, not what `/subscriptions/{id}` does.
 */
export function methodNotAllowed(app: App, c: Context<AppEnv>): Response | undefined {
  const matching = routesOf(app).filter((r) => r.pattern.test(c.req.path));
  const most = Math.max(...matching.map((r) => r.literals));
  const allowed = [...new Set(matching.filter((r) => r.literals === most).map((r) => r.method))];
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
