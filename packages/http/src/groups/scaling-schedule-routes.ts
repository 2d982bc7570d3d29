import { createRoute, type z } from '@hono/zod-openapi';
import { AsgPathSchema, AsgQuerySchema, ScalingScheduleRequestSchema, ScalingScheduleSchema, type ScalingScheduleDto } from '@envmgr/api-contract';
import { getScalingSchedule, setScalingSchedule, type OperationsDeps, type ScalingScheduleView } from '@envmgr/app';
import { json, requestContext, type App, type HttpDeps } from '../context.js';
import { declare } from '../access/route-permission.js';
import { problemResponses } from '../problems/responses.js';

const tags = ['Groups (ASGs)'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const path = '/api/v1/asgs/{name}/scaling-schedule';

function toScalingScheduleDto(v: ScalingScheduleView): ScalingScheduleDto {
  return {
    name: v.name,
    ...(v.schedule !== undefined ? { schedule: v.schedule } : {}),
    actions: v.actions,
    unreadable: v.unreadable,
    ...(v.appliedThrough !== undefined ? { appliedThrough: new Date(v.appliedThrough).toISOString() } : {}),
  };
}

/** A group's schedule and scaling schedule (SPEC §8, §11; docs/scheduling.md "Scaling schedules"). */
export function registerScalingScheduleRoutes(app: App, deps: Pick<HttpDeps, 'config' | 'logger'>, ops: OperationsDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path, tags, operationId: 'getAsgScalingSchedule', summary: "A group's schedule and scaling actions",
      request: { params: AsgPathSchema, query: AsgQuerySchema },
      responses: { 200: ok("the group's Schedule tag and scaling actions", ScalingScheduleSchema), ...problemResponses(401, 404) },
    }),
    async (c) => json(200, toScalingScheduleDto(await getScalingSchedule(ops, c.get('actor'), c.req.valid('param').name, c.req.valid('query')))),
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'put', path, tags, operationId: 'setAsgScalingSchedule', summary: "Set a group's schedule or scaling actions",
      description:
        "A string sets the group's `Schedule` tag (with `propagateToInstances`, its members' too) and removes scaling actions. A list of " +
        '`{Recurrence, DesiredCapacity, MinSize?, MaxSize?, TimeZone?}` becomes its scaling schedule: the scheduler job applies each ' +
        'occurrence after now, and the group is tagged `Schedule=NOSCHEDULE`. Needs PUT on `/asgs/<name>/scaling-schedule` for the owning ' +
        "cluster and type of the group's environment; 423 while its deployments are locked.",
      request: { params: AsgPathSchema, body: { required: true, content: { 'application/json': { schema: ScalingScheduleRequestSchema } } } },
      responses: { 200: ok('the schedule as stored', ScalingScheduleSchema), ...problemResponses(400, 401, 403, 404, 423) },
    })),
    async (c) => {
      const ctx = requestContext(c);
      const body = c.req.valid('json');
      const cmd = { name: c.req.valid('param').name, schedule: body.schedule, ...(body.propagateToInstances !== undefined ? { propagateToInstances: body.propagateToInstances } : {}) };
      const view = await setScalingSchedule(ops, ctx, cmd, deps.config.clock.now());
      deps.logger.info({ requestId: ctx.requestId, actor: ctx.actor.name, operation: 'asg.scaling-schedule', asg: view.name, actions: view.actions.length, schedule: view.schedule }, 'group schedule set');
      return json(200, toScalingScheduleDto(view));
    },
  );
}
