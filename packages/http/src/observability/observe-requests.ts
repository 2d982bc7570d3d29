import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../context.js';
import type { LogFields, ObservabilityHttpDeps } from './observability-deps.js';
import { parseTraceparent } from './trace-context.js';

const DEPLOYMENT_PATH = /^\/api\/v1\/deployments\/([^/]+)/;

/**
 * The template of the route that answered (`/api/v1/deployments/:id`), so that metrics have one series per route and
 * not one per id; `unmatched` when only middleware and the not-found handler ran.
 */
export function routeTemplate(c: Context): string {
  const handlers = matchedRoutes(c).filter((r) => r.method !== 'ALL' && !r.path.includes('*'));
  return handlers.at(-1)?.path ?? 'unmatched';
}

/**
 * Per request: takes a valid W3C `traceparent`, runs the rest with the request's log fields (request id, actor once
 * signed in, deployment id when the path names one, trace id), and records the route, status and duration.
 */
export function observeRequests(deps: ObservabilityHttpDeps | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const trace = parseTraceparent(c.req.header('traceparent'));
    if (trace) c.set('trace', trace);
    const started = performance.now();
    const fields: LogFields = () => ({
      requestId: c.get('requestId'),
      actor: c.get('actor')?.name,
      deploymentId: DEPLOYMENT_PATH.exec(c.req.path)?.[1],
      traceId: trace?.traceId,
    });
    try {
      await (deps?.withLogContext ? deps.withLogContext(fields, next) : next());
    } finally {
      deps?.observeRequest?.({ method: c.req.method, route: routeTemplate(c), status: c.res.status, seconds: (performance.now() - started) / 1000 });
    }
  };
}
