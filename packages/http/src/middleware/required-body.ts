import type { MiddlewareHandler } from 'hono';
import type { App, AppEnv } from '../context.js';
import { validationProblem } from '../problems/problem.js';
import { problemResponse } from '../problems/respond.js';

interface Declared {
  method: string;
  pattern: RegExp;
}

const tables = new WeakMap<App, Declared[]>();

/** The routes whose OpenAPI operation declares `requestBody.required: true`, read once from the finished app. */
function table(app: App): Declared[] {
  let t = tables.get(app);
  if (!t) {
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'envmgr', version: '1' } });
    t = Object.entries(doc.paths ?? {}).flatMap(([path, ops]) =>
      Object.entries(ops as Record<string, { requestBody?: { required?: boolean } }>).flatMap(([method, op]) =>
        op.requestBody?.required === true ? [{ method: method.toUpperCase(), pattern: new RegExp(`^${path.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`) }] : [],
      ),
    );
    tables.set(app, t);
  }
  return t;
}

/**
 * Refuses a request without a body on a route whose document says the body is required. The schema validators
 * treat a missing JSON body as `{}`, which a schema with only optional fields would accept.
 */
export function requireDeclaredBody(appOf: () => App): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(c.req.method)) return next();
    const length = c.req.header('content-length');
    const empty = length === '0' || (length === undefined && c.req.header('transfer-encoding') === undefined && c.req.raw.body === null);
    if (empty && table(appOf()).some((d) => d.method === c.req.method && d.pattern.test(c.req.path))) {
      return problemResponse(validationProblem([{ path: '', message: 'a request body is required' }], c.get('requestId'), 'the request body'));
    }
    return next();
  };
}
