import type { MiddlewareHandler } from 'hono';
import { requireAdmin, requirePermission, requireSignedIn } from '@envmgr/app';
import type { App, AppEnv } from '../context.js';
import { operationTable } from '../middleware/operation-table.js';

/**
 * What a write route needs, declared on the route itself (`x-em-permission` in the OpenAPI document) and checked
 * before the body is read, so an actor without any standing never learns more than 401 or 403:
 * - `public`: anyone (sign-in routes);
 * - `signed-in`: any signed-in actor; the use case decides the rest (own tokens, own password);
 * - `admin`: administrators only;
 * - `permission`: a permission for the method on the path (SPEC §9); the use case then checks the clusters and
 *   environment types of the items touched.
 */
export type RoutePermission = 'public' | 'signed-in' | 'admin' | 'permission';

export const PERMISSION_EXTENSION = 'x-em-permission';

export function declare<R extends object>(rule: RoutePermission, route: R): R & { [PERMISSION_EXTENSION]: RoutePermission } {
  return { ...route, [PERMISSION_EXTENSION]: rule };
}

const table = operationTable((op) => {
  const rule = op[PERMISSION_EXTENSION];
  return typeof rule === 'string' ? (rule as RoutePermission) : undefined;
});

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Checks the declared permission of write routes before their input is validated. */
export function permissionGate(appOf: () => App): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!WRITES.includes(c.req.method)) return next();
    // the table is read from the finished app's OpenAPI document, on first use
    const declared = table(appOf()).find((d) => d.method === c.req.method && d.pattern.test(c.req.path));
    const actor = c.get('actor');
    switch (declared?.value) {
      case undefined:
      case 'public':
        break;
      case 'signed-in':
        requireSignedIn(actor);
        break;
      case 'admin':
        requireAdmin(actor, `${c.req.method} ${c.req.path.replace(/^\/api\/v1/, '')}`);
        break;
      case 'permission':
        requirePermission(actor, { method: c.req.method, resource: c.req.path.replace(/^\/api\/v1/, '') });
        break;
    }
    return next();
  };
}
