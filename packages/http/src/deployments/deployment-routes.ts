import { createRoute, type z } from '@hono/zod-openapi';
import {
  DeploymentIdPathSchema,
  DeploymentListQuerySchema,
  DeploymentListSchema,
  DeploymentPatchSchema,
  DeploymentPlanSchema,
  DeploymentRequestSchema,
  DeploymentSchema,
  DryRunQuerySchema,
  RollbackRequestSchema,
} from '@envmgr/api-contract';
import { cancelDeployment, getDeployment, listDeployments, redeploy, requestDeployment, rollback, type DeploymentDeps, type DeploymentRequestResult } from '@envmgr/app';
import { ACTIVE_STATES, ValidationError } from '@envmgr/domain';
import { json, requestContext, type App, type HttpDeps, type RuntimeHttpDeps } from '../context.js';
import { declare } from '../access/route-permission.js';
import { decodeCursor, nextPageHeaders } from '../paging/cursor.js';
import { problemResponses } from '../problems/responses.js';
import { deploymentDto, deploymentSummaryDto, dryRunDto } from './deployment-views.js';
import { registerEventRoutes } from './event-routes.js';

const tags = ['Deployments'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const ACTIVE: readonly string[] = ACTIVE_STATES;

/** The use cases' ports, from the HTTP app's. */
export function deploymentDepsOf(deps: HttpDeps & { runtime: RuntimeHttpDeps }): DeploymentDeps {
  if (!deps.packages) throw new TypeError('deployments need the package store: give HttpDeps.packages');
  const r = deps.runtime;
  return {
    config: deps.config,
    packages: deps.packages.store,
    deployments: r.deployments,
    compute: r.compute,
    registry: r.registry,
    events: r.events,
    clock: deps.config.clock,
    ids: r.deploymentIds ?? deps.ids,
  };
}

/** Deployments (SPEC §5, ARCHITECTURE §3): request, list, detail, cancel, redeploy, rollback, events. */
export function registerDeploymentRoutes(app: App, deps: HttpDeps & { runtime: RuntimeHttpDeps }): void {
  const d = deploymentDepsOf(deps);
  const wake = () => deps.runtime.wakeDriver?.();
  const accepted = (result: DeploymentRequestResult, extra: Record<string, unknown> = {}) => {
    if (result.dryRun) return json(200, dryRunDto(result.plan));
    wake();
    const url = `/api/v1/deployments/${result.deployment.id}`;
    return json(202, { ...deploymentDto(result.deployment, result.version), ...extra }, { Location: url });
  };

  app.openapi(
    createRoute(declare('permission', {
      method: 'post', path: '/api/v1/deployments', tags, operationId: 'requestDeployment', summary: 'Deploy a version of a service to an environment',
      description:
        'Validates the request (SPEC §5), stores the deployment in state `requested` and answers 202 with its URL in `Location`; the ' +
        'deployment driver then creates the group if missing, writes the target state and follows every instance. With `dryRun` ' +
        '(or `?dry_run=true`) it answers 200 with the plan and changes nothing. Follow progress with `GET /api/v1/deployments/{id}` ' +
        'or the server-sent events of `GET /api/v1/events?deployment={id}`.',
      request: { query: DryRunQuerySchema, body: { required: true, content: { 'application/json': { schema: DeploymentRequestSchema } } } },
      responses: {
        200: ok('the plan of a dry run', DeploymentPlanSchema),
        202: ok('accepted; `Location` is the deployment', DeploymentSchema),
        ...problemResponses(401, 403, 404, 409, 422, 423),
      },
    })),
    async (c) => {
      const body = c.req.valid('json');
      const serverRole = body.serverRole ?? body.server_role;
      const dryRun = body.dryRun === true || c.req.valid('query').dry_run === 'true';
      const result = await requestDeployment(d, requestContext(c), {
        environment: body.environment,
        service: body.service,
        version: body.version,
        mode: body.mode,
        slice: body.slice,
        ...(serverRole !== undefined ? { serverRole } : {}),
        ...(body.canary !== undefined ? { canary: body.canary } : {}),
        // the caller's trace goes with the deployment to the agents' hooks (docs/observability.md#trace-context)
        traceparent: c.get('trace')?.traceparent,
        dryRun,
      });
      return accepted(result);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/deployments', tags, operationId: 'listDeployments', summary: 'Deployments, newest first',
      request: { query: DeploymentListQuerySchema },
      responses: { 200: ok('one page; the next page\'s cursor is in `X-Next-Cursor`', DeploymentListSchema), ...problemResponses(401) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const states = q.status?.split(',').flatMap((s): readonly string[] => (s === 'active' ? ACTIVE : [s]));
      const page = await listDeployments(d, requestContext(c), {
        environment: q.environment,
        service: q.service,
        states,
        sinceMs: q.since !== undefined ? Date.parse(q.since) : undefined,
        before: cursorOf(q.cursor),
        limit: q.limit,
      });
      const next = page.next ? `${page.next.requestedAtMs}:${page.next.id}` : undefined;
      return json(200, { items: page.items.map((s) => deploymentSummaryDto(s.record, s.version)) }, nextPageHeaders(c.req.url, next));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/deployments/{id}', tags, operationId: 'getDeployment', summary: 'A deployment with per-instance status and its log',
      request: { params: DeploymentIdPathSchema },
      responses: { 200: ok('the deployment; `ETag` is its version', DeploymentSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const s = await getDeployment(d, requestContext(c), c.req.valid('param').id);
      return json(200, deploymentDto(s.record, s.version), { ETag: `"${s.version}"` });
    },
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'patch', path: '/api/v1/deployments/{id}', tags, operationId: 'cancelDeployment', summary: 'Cancel a deployment in progress',
      description:
        '`{"Status": "Cancelled"}` (SPEC §5). The deployment stops waiting and ends `cancelled`; instances keep what they installed, ' +
        'installs already running finish, and new instances will not install it (the role key\'s Action becomes Ignore).',
      request: { params: DeploymentIdPathSchema, body: { required: true, content: { 'application/json': { schema: DeploymentPatchSchema } } } },
      responses: { 200: ok('cancelled', DeploymentSchema), ...problemResponses(401, 403, 404, 409) },
    })),
    async (c) => {
      const cancelled = await cancelDeployment(d, requestContext(c), c.req.valid('param').id);
      wake();
      const s = await getDeployment(d, requestContext(c), cancelled.id);
      return json(200, deploymentDto(s.record, s.version));
    },
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'post', path: '/api/v1/deployments/{id}/redeploy', tags, operationId: 'redeploy', summary: 'Deploy what a past deployment deployed, again',
      description: 'A new deployment (new id) of the same service, version, environment, mode, slice and server role; agents reinstall.',
      request: { params: DeploymentIdPathSchema, query: DryRunQuerySchema },
      responses: { 200: ok('the plan of a dry run', DeploymentPlanSchema), 202: ok('accepted', DeploymentSchema), ...problemResponses(401, 403, 404, 409, 422, 423) },
    })),
    async (c) => accepted(await redeploy(d, requestContext(c), c.req.valid('param').id, { dryRun: c.req.valid('query').dry_run === 'true' })),
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'post', path: '/api/v1/rollbacks', tags, operationId: 'rollback', summary: 'Deploy the previously successful version again',
      description: 'Finds the newest successful deployment of the service to the environment and deploys the newest successful version before it.',
      request: { body: { required: true, content: { 'application/json': { schema: RollbackRequestSchema } } } },
      responses: { 200: ok('the plan of a dry run', DeploymentPlanSchema), 202: ok('accepted', DeploymentSchema), ...problemResponses(401, 403, 404, 409, 422, 423) },
    })),
    async (c) => {
      const body = c.req.valid('json');
      const result = await rollback(d, requestContext(c), body);
      return accepted(result, result.rolledBackFrom !== undefined ? { rolledBackFrom: result.rolledBackFrom } : {});
    },
  );

  registerEventRoutes(app, deps.runtime);
}

function cursorOf(cursor: string | undefined): { requestedAtMs: number; id: string } | undefined {
  const text = decodeCursor(cursor, 'string');
  if (text === undefined) return undefined;
  const at = text.indexOf(':');
  const ms = Number(text.slice(0, at));
  if (at < 1 || !Number.isFinite(ms)) throw new ValidationError([{ path: 'cursor', message: 'is not a deployments cursor; use the X-Next-Cursor value of the previous page' }]);
  return { requestedAtMs: ms, id: text.slice(at + 1) };
}
