import type { MiddlewareHandler } from 'hono';
import type { App, AppEnv } from '../context.js';
import { operationTable } from './operation-table.js';
import { validationProblem } from '../problems/problem.js';
import { problemResponse } from '../problems/respond.js';

/** The routes whose operation declares `requestBody.required: true`. */
const table = operationTable((op) => ((op['requestBody'] as { required?: boolean } | undefined)?.required === true ? true : undefined));

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
