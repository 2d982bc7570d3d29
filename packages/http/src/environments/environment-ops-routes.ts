import { createRoute, type z } from '@hono/zod-openapi';
import {
  DeployLockRequestSchema,
  DeployLockSchema,
  EnvironmentOpsStatusSchema,
  EnvironmentPathSchema,
  MaintenanceRequestSchema,
  MaintenanceSchema,
  ProtectedActionSchema,
  ProtectedQuerySchema,
  type DeployLock,
  type EnvironmentOpsStatus,
  type Maintenance,
} from '@envmgr/api-contract';
import { getEnvironmentOps, isEnvironmentActionProtected, lockDeployments, setMaintenance, unlockDeployments, type EnvironmentOps } from '@envmgr/app';
import { json, requestContext, type App, type HttpDeps } from '../context.js';
import { declare } from '../access/route-permission.js';
import { problemResponses } from '../problems/responses.js';

const tags = ['Environment operations'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const params = EnvironmentPathSchema;

export function toDeployLockDto(ops: EnvironmentOps): DeployLock {
  const lock = ops.lock;
  return {
    environment: ops.environment,
    locked: ops.deploymentsLocked,
    ...(lock ? { lockedBy: lock.by, lockedAt: lock.at } : {}),
    ...(lock?.reason !== undefined ? { reason: lock.reason } : {}),
  };
}

export function toMaintenanceDto(ops: EnvironmentOps): Maintenance {
  const m = ops.maintenance;
  return {
    environment: ops.environment,
    inMaintenance: ops.inMaintenance,
    ...(m ? { setBy: m.by, setAt: m.at } : {}),
    ...(m?.reason !== undefined ? { reason: m.reason } : {}),
  };
}

function toStatusDto(ops: EnvironmentOps): EnvironmentOpsStatus {
  const { environment: _l, ...deployLock } = toDeployLockDto(ops);
  const { environment: _m, ...maintenance } = toMaintenanceDto(ops);
  return {
    environment: ops.environment,
    deployLock,
    maintenance,
    schedule: {
      manualScheduleUp: ops.manualScheduleUp,
      scheduleAutomatically: ops.scheduleAutomatically,
      ...(ops.defaultSchedule !== undefined ? { defaultSchedule: ops.defaultSchedule } : {}),
    },
    ...(ops.version !== undefined ? { version: ops.version } : {}),
  };
}

/** Environment operations: deploy lock, maintenance mode, protected actions (SPEC §3.3, §9, §11). */
export function registerEnvironmentOpsRoutes(app: App, deps: HttpDeps): void {
  registerDeployLockRoutes(app, deps);
  registerMaintenanceRoutes(app, deps);

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/environments/{name}/protected', tags, operationId: 'isEnvironmentActionProtected',
      summary: "Whether the environment's type protects an action",
      description: "A protected action (the environment type's `ProtectedActions`) is refused to everyone, administrators included (403 `protected-action`).",
      request: { params, query: ProtectedQuerySchema },
      responses: { 200: ok('the answer', ProtectedActionSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const q = { environment: c.req.valid('param').name, action: c.req.valid('query').action };
      return json(200, await isEnvironmentActionProtected(deps.config, requestContext(c), q));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/environments/{name}/ops', tags, operationId: 'getEnvironmentOps',
      summary: 'Deploy lock, maintenance and schedule flags of an environment',
      description: 'The ops record (SPEC §3.3) at a glance; an environment without a stored record has every flag false.',
      request: { params },
      responses: { 200: ok('the ops record', EnvironmentOpsStatusSchema), ...problemResponses(401, 404) },
    }),
    async (c) => json(200, toStatusDto(await getEnvironmentOps(deps.config, requestContext(c), c.req.valid('param').name))),
  );
}

function registerDeployLockRoutes(app: App, deps: HttpDeps): void {
  const path = '/api/v1/environments/{name}/deploy-lock';
  app.openapi(
    createRoute({
      method: 'get', path, tags, operationId: 'getDeployLock', summary: "An environment's deploy lock",
      request: { params },
      responses: { 200: ok('the lock; `locked: false` when there is none', DeployLockSchema), ...problemResponses(401, 404) },
    }),
    async (c) => json(200, toDeployLockDto(await getEnvironmentOps(deps.config, requestContext(c), c.req.valid('param').name))),
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'put', path, tags, operationId: 'lockDeployments', summary: 'Lock deployments to an environment',
      description:
        'Deployments to a locked environment are refused with 423 `deployments-locked`, naming who locked it and why. Needs PUT on ' +
        "this path for the environment's owning cluster and type. Locking a locked environment keeps who locked it and when, and " +
        'replaces the reason when one is given. The change is audited as an update of `/config/environment-ops/{name}`.',
      request: { params, body: { content: { 'application/json': { schema: DeployLockRequestSchema } }, required: false } },
      responses: { 200: ok('the lock as it now is', DeployLockSchema), ...problemResponses(401, 403, 404, 409, 413, 415) },
    })),
    async (c) => {
      const { reason } = c.req.valid('json');
      const ops = await lockDeployments(deps.config, requestContext(c), { environment: c.req.valid('param').name, reason });
      return json(200, toDeployLockDto(ops));
    },
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'delete', path, tags, operationId: 'unlockDeployments', summary: 'Unlock deployments to an environment',
      description: "Needs DELETE on this path for the environment's owning cluster and type. Unlocking an unlocked environment changes nothing.",
      request: { params },
      responses: { 200: ok('the lock as it now is (`locked: false`)', DeployLockSchema), ...problemResponses(401, 403, 404, 409) },
    })),
    async (c) => json(200, toDeployLockDto(await unlockDeployments(deps.config, requestContext(c), { environment: c.req.valid('param').name }))),
  );
}

function registerMaintenanceRoutes(app: App, deps: HttpDeps): void {
  const path = '/api/v1/environments/{name}/maintenance';
  app.openapi(
    createRoute({
      method: 'get', path, tags, operationId: 'getMaintenance', summary: "An environment's maintenance mode",
      request: { params },
      responses: { 200: ok('the maintenance mode', MaintenanceSchema), ...problemResponses(401, 404) },
    }),
    async (c) => json(200, toMaintenanceDto(await getEnvironmentOps(deps.config, requestContext(c), c.req.valid('param').name))),
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'put', path, tags, operationId: 'setMaintenance', summary: 'Put an environment in maintenance, or take it out',
      description:
        "Needs PUT on this path for the environment's owning cluster and type. The scheduler leaves an environment in maintenance " +
        'alone. Putting an environment in maintenance again keeps who did it first and when, and replaces the reason when one is given.',
      request: { params, body: { content: { 'application/json': { schema: MaintenanceRequestSchema } }, required: true } },
      responses: { 200: ok('the maintenance mode as it now is', MaintenanceSchema), ...problemResponses(401, 403, 404, 409, 413, 415) },
    })),
    async (c) => {
      const { inMaintenance, reason } = c.req.valid('json');
      const ops = await setMaintenance(deps.config, requestContext(c), { environment: c.req.valid('param').name, inMaintenance, reason });
      return json(200, toMaintenanceDto(ops));
    },
  );
}
