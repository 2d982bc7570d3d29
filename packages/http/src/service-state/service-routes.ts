import { createRoute, type z } from '@hono/zod-openapi';
import {
  EnvironmentQuerySchema,
  EnvironmentServicesSchema,
  InstallationCheckSchema,
  ServiceHealthSchema,
  ServiceSliceQuerySchema,
  ServiceSlicesQuerySchema,
  ServiceSlicesSchema,
  ServiceStatePathSchema,
} from '@envmgr/api-contract';
import { checkServiceInstallation, getServiceHealth, getServiceSlices, getServiceTraffic, listEnvironmentServices, type ServiceStateDeps } from '@envmgr/app';
import { json, type App } from '../context.js';
import { problemResponses } from '../problems/responses.js';
import { toServiceSlicesDto } from './service-state-dtos.js';
import { activeFilterOf } from '../traffic/traffic-routes.js';

const tags = ['Services'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

/** `/services?environment=` and `/services/{service}/{health,slices,installationcheck}` (SPEC §11 "Service"). */
export function registerServiceRoutes(app: App, deps: ServiceStateDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/services', tags, operationId: 'listEnvironmentServices', summary: 'Services of an environment',
      description:
        'Every service the environment\'s target state names or its registry has registered: its target entries (role, slice, version, ' +
        'deployment, action), the versions and slices that run, instance counts and a health summary.',
      request: { query: EnvironmentQuerySchema },
      responses: { 200: ok('the services, by name', EnvironmentServicesSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const { environment } = c.req.valid('query');
      return json(200, { environment, services: await listEnvironmentServices(deps, c.get('actor'), environment) });
    },
  );

  const path = '/api/v1/services/{service}';
  app.openapi(
    createRoute({
      method: 'get', path: `${path}/health`, tags, operationId: 'getServiceHealth', summary: 'Health of a service, per instance',
      description: 'Every registered instance of the service in the environment (of one slice with `slice`): version, slice, deployment, and each check with its status and output.',
      request: { params: ServiceStatePathSchema, query: ServiceSliceQuerySchema },
      responses: { 200: ok('the instances, by slice and instance', ServiceHealthSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const r = await getServiceHealth(deps, c.get('actor'), { ...q, service: c.req.valid('param').service });
      return json(200, { environment: q.environment, service: r.service, slice: q.slice, health: r.health, instances: r.instances });
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: `${path}/slices`, tags, operationId: 'getServiceSlices', summary: 'Slices of a service',
      description:
        'Each slice the target state names or the registry has: its registry name, configured port, target entries, versions, instances ' +
        'and health; `active` says whether traffic goes to it (from the service\'s upstreams in the environment, SPEC §7), and `upstreams` ' +
        'lists EM\'s record of each upstream host. `active=true|false` keeps only the slices and hosts in that state.',
      request: { params: ServiceStatePathSchema, query: ServiceSlicesQuerySchema },
      responses: { 200: ok('the slices: none, blue, green', ServiceSlicesSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const { environment, active } = c.req.valid('query');
      const r = await getServiceSlices(deps, c.get('actor'), { environment, service: c.req.valid('param').service });
      const traffic = await getServiceTraffic(deps, c.get('actor'), { environment, service: r.service, active: activeFilterOf(active) });
      return json(200, toServiceSlicesDto(environment, r.service, r.slices, { traffic, active: activeFilterOf(active) }));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: `${path}/installationcheck`, tags, operationId: 'checkServiceInstallation', summary: 'What is missing for a service to run',
      description:
        'For every instance of the groups whose server role runs the service (the deployment map\'s roles that list it, their slice fleets, ' +
        'and the roles whose target state names it), one checklist per slice: does the target state ask for it, did the agent report ' +
        'success, is it registered at that version, are its checks passing. `missing` says what does not hold.',
      request: { params: ServiceStatePathSchema, query: ServiceSliceQuerySchema },
      responses: { 200: ok('a checklist per instance and slice', InstallationCheckSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const r = await checkServiceInstallation(deps, c.get('actor'), { ...q, service: c.req.valid('param').service });
      return json(200, { environment: q.environment, slice: q.slice, ...r });
    },
  );
}
