import { createRoute, z } from '@hono/zod-openapi';
import {
  CONFIG_TYPES,
  ExportDocumentSchema,
  ImportQuerySchema,
  ImportResultSchema,
  LEGACY_RESOURCES,
  wireSchema,
  type ConfigType,
  type ExportDocument,
} from '@envmgr/api-contract';
import { exportConfig, exportType, importConfig, requireAdmin, type ImportItem } from '@envmgr/app';
import { NotFoundError, type EntityType, type JsonObject } from '@envmgr/domain';
import { json, requestContext, type App, type HttpDeps } from '../context.js';
import { problemResponses } from '../problems/responses.js';
import { declare } from '../access/route-permission.js';
import { legacyImportItems, toImportItem } from './legacy-import-mapping.js';

const tags = ['Export and import'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const TypesQuery = z.object({
  types: z
    .string()
    .max(500)
    .regex(new RegExp(`^(${CONFIG_TYPES.join('|')})(,(${CONFIG_TYPES.join('|')}))*$`), `a comma-separated list of: ${CONFIG_TYPES.join(', ')}`)
    .optional()
    .meta({ description: 'only these types (comma-separated); default all' }),
});

export function registerExportImportRoutes(app: App, deps: HttpDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/config/export', tags, operationId: 'exportConfig', summary: 'Export configuration as one document',
      request: { query: TypesQuery },
      responses: { 200: ok('every item of the chosen types, in key order', ExportDocumentSchema), ...problemResponses(401, 403) },
    }),
    async (c) => {
      requireAdmin(c.get('actor'), 'export configuration');
      const { types } = c.req.valid('query');
      const chosen = types ? (types.split(',') as EntityType[]) : undefined;
      return json(200, await exportConfig(deps.config, chosen));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/config/export/{resource}', tags, operationId: 'exportResource', summary: 'Export one type as an array (EM-compatible)',
      request: { params: z.object({ resource: z.string().min(1).max(64).meta({ description: `one of ${CONFIG_TYPES.join(', ')}, or EM's name (e.g. environmenttypes, lbupstream)` }) }) },
      responses: { 200: ok('every item of the type, in key order', z.array(z.union(CONFIG_TYPES.map((t) => wireSchema(t))))), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      requireAdmin(c.get('actor'), 'export configuration');
      return json(200, await exportType(deps.config.store, exportResourceType(c.req.valid('param').resource)));
    },
  );

  app.openapi(
    createRoute(declare('admin', {
      method: 'post', path: '/api/v1/config/import', tags, operationId: 'importConfig', summary: 'Import an export document, all or nothing',
      request: { query: ImportQuerySchema, body: { content: { 'application/json': { schema: ExportDocumentSchema } }, required: true } },
      responses: { 200: ok('what changed (or would change, on a dry run)', ImportResultSchema), ...problemResponses(401, 403, 409, 413, 415) },
    })),
    async (c) => {
      const { mode, dryRun } = c.req.valid('query');
      const result = await importConfig(deps.config, requestContext(c), { items: documentItems(c.req.valid('json')), mode, dryRun: dryRun === 'true' });
      return json(200, result);
    },
  );

  app.openapi(
    createRoute(declare('admin', {
      method: 'put', path: '/api/v1/config/import/{resource}', tags, operationId: 'importLegacy',
      summary: 'Import one resource from an export of trainline/environment-manager',
      request: {
        params: z.object({ resource: z.string().min(1).max(64).meta({ description: "EM's resource name, e.g. environmenttypes, lbupstream" }) }),
        query: ImportQuerySchema,
        body: { content: { 'application/json': { schema: z.array(z.record(z.string(), z.unknown())).meta({ description: "EM's export array" }) } }, required: true },
      },
      responses: { 200: ok('what changed (or would change, on a dry run)', ImportResultSchema), ...problemResponses(401, 403, 404, 409, 413, 415) },
    })),
    async (c) => {
      const { mode, dryRun } = c.req.valid('query');
      const items = legacyImportItems(c.req.valid('param').resource, c.req.valid('json'));
      // EM's export is a bare array, so problems are located by the item's index in it
      return json(200, await importConfig(deps.config, requestContext(c), { items, mode, dryRun: dryRun === 'true', itemPath: (_t, i) => String(i) }));
    },
  );
}

function documentItems(doc: ExportDocument): Partial<Record<EntityType, ImportItem[]>> {
  const out: Partial<Record<EntityType, ImportItem[]>> = {};
  for (const [type, list] of Object.entries(doc.items) as [ConfigType, JsonObject[] | undefined][]) {
    if (list) out[type] = list.map(toImportItem);
  }
  return out;
}


/** Our type names, and trainline/environment-manager's resource names so its clients keep working. */
function exportResourceType(resource: string): ConfigType {
  const name = resource.trim().toLowerCase();
  const ours = CONFIG_TYPES.find((t) => t === name);
  if (ours) return ours;
  if (Object.hasOwn(LEGACY_RESOURCES, name)) return LEGACY_RESOURCES[name as keyof typeof LEGACY_RESOURCES];
  throw new NotFoundError('export resource', resource, { known: CONFIG_TYPES });
}
