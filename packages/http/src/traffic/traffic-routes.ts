import { createRoute, type z } from '@hono/zod-openapi';
import {
  ServiceSlicesPathSchema,
  ServiceToggleQuerySchema,
  ToggleResultSchema,
  UpstreamPathSchema,
  UpstreamSlicesQuerySchema,
  UpstreamSlicesSchema,
  UpstreamToggleQuerySchema,
  type ToggleResultDto,
} from '@envmgr/api-contract';
import { getUpstreamSlices, toggleServiceSlices, toggleUpstreamSlices, type ToggleResult, type TrafficDeps } from '@envmgr/app';
import { json, requestContext, type App } from '../context.js';
import { declare } from '../access/route-permission.js';
import { problemResponses } from '../problems/responses.js';

const tags = ['Traffic'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

/** `?active=true|false` of the slice reads. */
export function activeFilterOf(value: 'true' | 'false' | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'true';
}

export function toToggleResultDto(r: ToggleResult): ToggleResultDto {
  return {
    ToggledUpstreams: r.toggled,
    UnchangedUpstreams: r.unchanged,
    EnvironmentName: r.environment,
    ServiceName: r.service,
    Upstreams: r.upstreams.map((u) => ({ UpstreamName: u.name, Key: u.key, ActiveSlice: u.active, Version: u.version })),
  };
}

const TOGGLE_RULES =
  'Every upstream must have exactly two hosts, one up and one down, on the service\'s BluePort and GreenPort; all are checked before ' +
  'any is written (422 `upstream-not-toggleable`). Refused while a deployment of the service to the environment is in progress ' +
  '(409 `deployment-in-progress`) and when a host that would go up has no instance passing all its health checks in the registry ' +
  '(422 `slice-unhealthy`). The upstreams are written in one commit conditional on the versions read (409 `version-conflict` when ' +
  "one changed meanwhile), audited as updates of the upstreams. Needs PUT on this path for the environment's owning cluster and type.";

/** Upstream slices and toggles (SPEC §7, §11). `GET /services/{service}/slices` is served with the services. */
export function registerTrafficRoutes(app: App, deps: TrafficDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/upstreams/{name}/slices', tags, operationId: 'getUpstreamSlices', summary: 'Slices of an upstream',
      description: 'One record per host of the upstreams with this name (of one environment with `environment`): its slice (Blue, Green or Unknown, by the service\'s ports) and whether it takes traffic (Active: the host is up).',
      request: { params: UpstreamPathSchema, query: UpstreamSlicesQuerySchema },
      responses: { 200: ok('the hosts, in upstream and host order', UpstreamSlicesSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return json(200, await getUpstreamSlices(deps, c.get('actor'), { name: c.req.valid('param').name, environment: q.environment, active: activeFilterOf(q.active) }));
    },
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'put', path: '/api/v1/services/{service}/slices/toggle', tags, operationId: 'toggleServiceSlices', summary: "Move a service's traffic to its other slice",
      description: `Toggles every upstream of the service in the environment: with \`active\` its host goes up and the other down (an upstream already so is left as it is); without it each upstream flips. ${TOGGLE_RULES}`,
      request: { params: ServiceSlicesPathSchema, query: ServiceToggleQuerySchema },
      responses: { 200: ok('what was toggled', ToggleResultSchema), ...problemResponses(401, 403, 404, 409, 422) },
    })),
    async (c) => {
      const q = c.req.valid('query');
      const r = await toggleServiceSlices(deps, requestContext(c), { environment: q.environment, service: c.req.valid('param').service, active: q.active });
      return json(200, toToggleResultDto(r));
    },
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'put', path: '/api/v1/upstreams/{name}/slices/toggle', tags, operationId: 'toggleUpstreamSlices', summary: "Move an upstream's traffic to its other slice",
      description: `Toggles the upstream with this name (ignoring case; give \`environment\` when several environments have one: 422 \`ambiguous-upstream\`). ${TOGGLE_RULES}`,
      request: { params: UpstreamPathSchema, query: UpstreamToggleQuerySchema },
      responses: { 200: ok('what was toggled', ToggleResultSchema), ...problemResponses(401, 403, 404, 409, 422) },
    })),
    async (c) => {
      const q = c.req.valid('query');
      const r = await toggleUpstreamSlices(deps, requestContext(c), { name: c.req.valid('param').name, environment: q.environment, active: q.active });
      return json(200, toToggleResultDto(r));
    },
  );
}
