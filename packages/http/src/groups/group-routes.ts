import { createRoute, z } from '@hono/zod-openapi';
import {
  AsgDetailSchema,
  AsgIpsSchema,
  AsgLaunchConfigSchema,
  AsgPathSchema,
  AsgQuerySchema,
  AsgReadinessSchema,
  AsgSchema,
  AsgSizeRequestSchema,
} from '@envmgr/api-contract';
import { asgReadiness, deleteAsg, getAsg, listAsgs, resizeAsg, type OperationsDeps } from '@envmgr/app';
import { json, raw, requestContext, type App, type HttpDeps, type RuntimeHttpDeps } from '../context.js';
import { declare } from '../access/route-permission.js';
import { problemResponses } from '../problems/responses.js';
import { toAsgDetailDto, toAsgDto, toAsgIpsDto, toLaunchConfigDto } from './group-dtos.js';
import { registerInstanceRoutes } from './instance-routes.js';
import { registerScalingScheduleRoutes } from './scaling-schedule-routes.js';

const tags = ['Groups (ASGs)'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const path = '/api/v1/asgs/{name}';

/** The ports of the group and instance use cases, out of the HTTP app's dependencies. */
export function operationsDeps(deps: HttpDeps & { runtime: RuntimeHttpDeps }): OperationsDeps {
  return { config: { store: deps.config.store }, compute: deps.runtime.compute, registry: deps.runtime.registry, events: deps.runtime.events };
}

/** Groups (`/asgs`) and instances (`/instances`) of SPEC §11 over the Compute port. */
export function registerGroupRoutes(app: App, deps: HttpDeps & { runtime: RuntimeHttpDeps }): void {
  const ops = operationsDeps(deps);
  registerScalingScheduleRoutes(app, deps, ops);

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/asgs', tags, operationId: 'listAsgs', summary: 'Groups of instances, by name',
      description: 'Every group (optionally of one environment: its `Environment` tag) with its size, members by lifecycle state, tags and suspended processes.',
      request: { query: AsgQuerySchema },
      responses: { 200: ok('the groups, by name', z.array(AsgSchema)), ...problemResponses(401) },
    }),
    async (c) => json(200, (await listAsgs(ops, c.get('actor'), c.req.valid('query'))).map(toAsgDto)),
  );

  app.openapi(
    createRoute({
      method: 'get', path, tags, operationId: 'getAsg', summary: 'One group with its members',
      request: { params: AsgPathSchema, query: AsgQuerySchema },
      responses: { 200: ok('the group and its members that are not terminated', AsgDetailSchema), ...problemResponses(401, 404) },
    }),
    async (c) => json(200, toAsgDetailDto(await getAsg(ops, c.get('actor'), c.req.valid('param').name, c.req.valid('query')))),
  );

  app.openapi(
    createRoute({
      method: 'get', path: `${path}/ready`, tags, operationId: 'getAsgReadiness', summary: 'Whether a group is ready',
      description: 'Ready: as many counted (Pending or InService) members as desired, every one InService and running. `reasons` says what is missing.',
      request: { params: AsgPathSchema, query: AsgQuerySchema },
      responses: { 200: ok('ready or not, and why', AsgReadinessSchema), ...problemResponses(401, 404) },
    }),
    async (c) => json(200, await asgReadiness(ops, c.get('actor'), c.req.valid('param').name, c.req.valid('query'))),
  );

  app.openapi(
    createRoute({
      method: 'get', path: `${path}/ips`, tags, operationId: 'getAsgIps', summary: 'Addresses of the members of a group',
      request: { params: AsgPathSchema, query: AsgQuerySchema },
      responses: { 200: ok('the addresses of the serving members, and every live member with its address', AsgIpsSchema), ...problemResponses(401, 404) },
    }),
    async (c) => json(200, toAsgIpsDto(await getAsg(ops, c.get('actor'), c.req.valid('param').name, c.req.valid('query')))),
  );

  app.openapi(
    createRoute({
      method: 'get', path: `${path}/launch-config`, tags, operationId: 'getAsgLaunchConfig', summary: 'How a group launches instances',
      description: 'The launch settings the group was created with from its server role: image, instance type, subnets, security zone, profile, disks.',
      request: { params: AsgPathSchema, query: AsgQuerySchema },
      responses: { 200: ok('the launch configuration', AsgLaunchConfigSchema), ...problemResponses(401, 404) },
    }),
    async (c) => json(200, toLaunchConfigDto((await getAsg(ops, c.get('actor'), c.req.valid('param').name, c.req.valid('query'))).group)),
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'put', path: `${path}/size`, tags, operationId: 'resizeAsg', summary: "Change a group's size",
      description:
        'Sets `min`, `desired` and/or `max`; the group then launches or terminates instances by itself. Needs PUT on `/asgs/<name>/size` ' +
        "for the owning cluster and type of the group's environment (SPEC §9); 423 while the environment's deployments are locked.",
      request: { params: AsgPathSchema, body: { required: true, content: { 'application/json': { schema: AsgSizeRequestSchema } } } },
      responses: { 200: ok('the group with its new size', AsgSchema), ...problemResponses(401, 403, 404, 423) },
    })),
    async (c) => {
      const ctx = requestContext(c);
      const result = await resizeAsg(ops, ctx, { name: c.req.valid('param').name, size: c.req.valid('json') });
      deps.logger.info(
        { requestId: ctx.requestId, actor: ctx.actor.name, operation: 'asg.resize', asg: result.group.name, before: result.before, after: result.group.size },
        'group resized',
      );
      return json(200, toAsgDto(result));
    },
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'delete', path, tags, operationId: 'deleteAsg', summary: 'Delete a group, its instances and its role’s target state',
      description:
        'Force-terminates its instances (in the background), deletes the group, and deletes the target state of its role ' +
        '(`environments/<env>/roles/<Role>/…` in the registry) unless another group of the environment has the same role. ' +
        "Needs DELETE on `/asgs/<name>` for the owning cluster and type of the group's environment; 423 while its deployments are locked.",
      request: { params: AsgPathSchema },
      responses: { 204: { description: 'deleted; its instances are terminating' }, ...problemResponses(401, 403, 404, 423) },
    })),
    async (c) => {
      const ctx = requestContext(c);
      const deleted = await deleteAsg(ops, ctx, { name: c.req.valid('param').name });
      deps.logger.info({ requestId: ctx.requestId, actor: ctx.actor.name, operation: 'asg.delete', ...deleted }, 'group deleted');
      return raw(new Response(null, { status: 204 }));
    },
  );

  registerInstanceRoutes(app, deps, ops);
}
