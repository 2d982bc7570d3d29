import { createRoute, z } from '@hono/zod-openapi';
import { AuditQuerySchema, AuditRecordSchema, AuditVerifySchema, PageQuerySchema } from '@envmgr/api-contract';
import { actorIsAdmin, queryAudit, redactAudit, requireSignedIn, verifyAuditChain } from '@envmgr/app';
import { json, type App, type HttpDeps } from '../context.js';
import { decodeCursor, nextPageHeaders } from '../paging/cursor.js';
import { problemResponses } from '../problems/responses.js';

const tags = ['Audit'];

export function registerAuditRoutes(app: App, deps: HttpDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/audit', tags, operationId: 'listAudit', summary: 'Audit records, newest first (default: the last 24 hours)',
      request: { query: PageQuerySchema.extend(AuditQuerySchema.shape) },
      responses: { 200: { description: 'one page of records', content: { 'application/json': { schema: z.array(AuditRecordSchema) } } }, ...problemResponses(401) },
    }),
    async (c) => {
      requireSignedIn(c.get('actor'));
      const { limit, cursor, since, until, ...filters } = c.req.valid('query');
      const page = await queryAudit(deps.config, {
        ...definedOnly(filters),
        ...(since !== undefined ? { since: new Date(since).toISOString() } : {}),
        ...(until !== undefined ? { until: new Date(until).toISOString() } : {}),
        ...definedOnly({ beforeSeq: decodeCursor(cursor, 'number') }),
        limit,
      });
      const admin = actorIsAdmin(c.get('actor'));
      return json(200, page.items.map((r) => redactAudit(r, admin)), nextPageHeaders(c.req.url, page.next));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/audit/verify', tags, operationId: 'verifyAudit', summary: 'Check every link of the audit hash chain',
      responses: { 200: { description: 'ok, or the first broken link', content: { 'application/json': { schema: AuditVerifySchema } } }, ...problemResponses(401) },
    }),
    async (c) => {
      requireSignedIn(c.get('actor'));
      return json(200, await verifyAuditChain(deps.config));
    },
  );
}

function definedOnly<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
