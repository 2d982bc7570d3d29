import { createRoute, type z } from '@hono/zod-openapi';
import { CompareQuerySchema, EnvironmentComparisonSchema, EnvironmentServersSchema, ServerGroupPathSchema, ServerGroupSchema, ServersPathSchema } from '@envmgr/api-contract';
import { compareEnvironmentVersions, getEnvironmentServerGroup, getEnvironmentServers, type ServiceStateDeps } from '@envmgr/app';
import { json, type App } from '../context.js';
import { problemResponses } from '../problems/responses.js';
import { toComparisonDto, toEnvironmentServersDto, toServerGroupDto } from './service-state-dtos.js';

const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const CONVERGED =
  'An instance is converged when it runs, for every entry of its role\'s target state that asks for it, the version and deployment asked ' +
  'for with passing checks, and nothing the target state does not name (`Ignore` entries accept anything); otherwise `differences` says what differs.';

/** `/environments/{name}/servers[/{group}]` and `/compare?environments=` (SPEC §11 "Environment"). */
export function registerServerRoutes(app: App, deps: ServiceStateDeps): void {
  const tags = ['Environments'];
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/environments/{name}/servers', tags, operationId: 'getEnvironmentServers', summary: "An environment's servers",
      description: `Every group tagged with the environment (one per runtime server role): role, cluster, size and instances; per instance its state, lifecycle, address, the services it runs and whether it is converged. ${CONVERGED}`,
      request: { params: ServersPathSchema },
      responses: { 200: ok('the groups, by name', EnvironmentServersSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const environment = c.req.valid('param').name;
      return json(200, toEnvironmentServersDto(environment, await getEnvironmentServers(deps, c.get('actor'), environment)));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/environments/{name}/servers/{group}', tags, operationId: 'getEnvironmentServerGroup', summary: 'One group of an environment',
      description: `The group as \`/environments/{name}/servers\` shows it; 404 when the group does not exist or is another environment's. ${CONVERGED}`,
      request: { params: ServerGroupPathSchema },
      responses: { 200: ok('the group', ServerGroupSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const { name: environment, group } = c.req.valid('param');
      return json(200, toServerGroupDto(environment, await getEnvironmentServerGroup(deps, c.get('actor'), { environment, group })));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/compare', tags, operationId: 'compareEnvironments', summary: 'Compare environments service by service',
      description:
        'For every service found in any of the environments: the versions each one\'s target state asks for (Install and Ignore entries) and ' +
        'the versions registered there, and whether the environments differ. 2 to 10 environments, in the order given.',
      request: { query: CompareQuerySchema },
      responses: { 200: ok('one row per service, by name', EnvironmentComparisonSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const environments = c.req.valid('query').environments.split(',');
      return json(200, toComparisonDto(environments, await compareEnvironmentVersions(deps, c.get('actor'), environments)));
    },
  );
}
