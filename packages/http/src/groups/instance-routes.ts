import { createRoute, z } from '@hono/zod-openapi';
import { InstanceListQuerySchema, InstanceMaintenanceRequestSchema, InstancePathSchema, InstanceSchema } from '@envmgr/api-contract';
import { getInstance, listInstances, setInstanceMaintenance, type OperationsDeps } from '@envmgr/app';
import { json, requestContext, type App, type HttpDeps } from '../context.js';
import { declare } from '../access/route-permission.js';
import { decodeCursor, nextPageHeaders } from '../paging/cursor.js';
import { problemResponses } from '../problems/responses.js';
import { toInstanceDto } from './group-dtos.js';

const tags = ['Instances'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

/** `/instances`: list (paged, filtered by tags and address), one, and maintenance mode (SPEC §7, §11). */
export function registerInstanceRoutes(app: App, deps: Pick<HttpDeps, 'logger'>, ops: OperationsDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/instances', tags, operationId: 'listInstances', summary: 'Instances, in launch order',
      description:
        'Instances that are not terminated. Filters are exact: `environment` (the `Environment` tag), `cluster` (`OwningCluster`), ' +
        '`maintenance` (`Maintenance` tag true or not), `instance_id`, `ip_address`. Paged with `limit` and `cursor`.',
      request: { query: InstanceListQuerySchema },
      responses: { 200: ok('one page of instances', z.array(InstanceSchema)), ...problemResponses(401) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listInstances(ops, c.get('actor'), {
        environment: q.environment,
        cluster: q.cluster,
        maintenance: q.maintenance === undefined ? undefined : q.maintenance === 'true',
        instanceId: q.instance_id,
        ipAddress: q.ip_address,
        after: decodeCursor(q.cursor, 'string'),
        limit: q.limit,
      });
      return json(200, page.items.map(toInstanceDto), nextPageHeaders(c.req.url, page.next));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/instances/{id}', tags, operationId: 'getInstance', summary: 'One instance',
      description: 'A terminated instance stays visible for a while after it is gone.',
      request: { params: InstancePathSchema },
      responses: { 200: ok('the instance', InstanceSchema), ...problemResponses(401, 404) },
    }),
    async (c) => json(200, toInstanceDto(await getInstance(ops, c.get('actor'), c.req.valid('param').id))),
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'put', path: '/api/v1/instances/{id}/maintenance', tags, operationId: 'setInstanceMaintenance', summary: 'Put an instance in maintenance or take it out',
      description:
        'With `enable: true` the registry key `nodes/<id>/cold-standby` becomes `In Maintenance`, so discovery leaves the node out, and the ' +
        'instance is tagged `Maintenance=true` (schedules then leave it alone); `false` deletes the key and sets the tag to `false`. ' +
        "Needs PUT on `/instances/<id>/maintenance` for the instance's `OwningCluster` tag (SPEC §9).",
      request: { params: InstancePathSchema, body: { required: true, content: { 'application/json': { schema: InstanceMaintenanceRequestSchema } } } },
      responses: { 200: ok('the instance, tagged', InstanceSchema), ...problemResponses(401, 403, 404, 409) },
    })),
    async (c) => {
      const ctx = requestContext(c);
      const { id } = c.req.valid('param');
      const { enable } = c.req.valid('json');
      const instance = await setInstanceMaintenance(ops, ctx, { id, enable });
      deps.logger.info({ requestId: ctx.requestId, actor: ctx.actor.name, operation: 'instance.maintenance', instance: id, maintenance: enable }, 'instance maintenance changed');
      return json(200, toInstanceDto(instance));
    },
  );
}
