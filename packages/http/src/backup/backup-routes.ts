import { createRoute, z } from '@hono/zod-openapi';
import { BackupCreatedSchema, BackupListSchema, ExportDocumentSchema, RestoreQuerySchema, RestoreResultSchema, type ConfigType } from '@envmgr/api-contract';
import { backupNow, listBackups, restoreBackup, type BackupDeps, type BackupDocumentParser, type ImportItem } from '@envmgr/app';
import { ValidationError, type EntityType, type JsonObject } from '@envmgr/domain';
import { json, requestContext, type App } from '../context.js';
import { problemResponses } from '../problems/responses.js';
import { declare } from '../access/route-permission.js';
import { toImportItem } from '../config/legacy-import-mapping.js';

const tags = ['Backups'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const IdParam = z.object({ id: z.string().min(1).max(64).meta({ description: 'a backup id from GET /backups, e.g. 20260301T030000Z' }) });

/** Backups and restores (docs/backup-and-replication.md); administrators only. */
export function registerBackupRoutes(app: App, deps: BackupDeps): void {
  app.openapi(
    createRoute(declare('admin', {
      method: 'post', path: '/api/v1/backups', tags, operationId: 'backupNow', summary: 'Back up the configuration and audit now',
      responses: { 201: ok('the new backup, and the old ones the retention count deleted', BackupCreatedSchema), ...problemResponses(401, 403, 503) },
    })),
    async (c) => json(201, await backupNow(deps, requestContext(c))),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/backups', tags, operationId: 'listBackups', summary: 'List backups, newest first',
      responses: { 200: ok('every complete backup', BackupListSchema), ...problemResponses(401, 403) },
    }),
    async (c) => json(200, await listBackups(deps, requestContext(c))),
  );

  app.openapi(
    createRoute(declare('admin', {
      method: 'post', path: '/api/v1/backups/{id}/restore', tags, operationId: 'restoreBackup',
      summary: 'Make the configuration equal to a backup (or, with dryRun, show what would change)',
      request: { params: IdParam, query: RestoreQuerySchema },
      responses: { 200: ok('what changed (or would change, on a dry run)', RestoreResultSchema), ...problemResponses(400, 401, 403, 404, 409, 422, 503) },
    })),
    async (c) => {
      const { id } = c.req.valid('param');
      const { dryRun } = c.req.valid('query');
      return json(200, await restoreBackup(deps, requestContext(c), { id, dryRun: dryRun === 'true', parse: parseDocument }));
    },
  );
}

/** The backup's export document, checked against the same schema as an import. */
const parseDocument: BackupDocumentParser = (doc) => {
  const parsed = ExportDocumentSchema.safeParse(doc);
  if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const out: Partial<Record<EntityType, ImportItem[]>> = {};
  for (const [type, list] of Object.entries(parsed.data.items) as [ConfigType, JsonObject[] | undefined][]) {
    if (list) out[type] = list.map(toImportItem);
  }
  return out;
};
