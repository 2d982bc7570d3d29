import { createRoute, type z } from '@hono/zod-openapi';
import {
  DeletedTargetStateSchema,
  TargetStatePathSchema,
  TargetStateQuerySchema,
  TargetStateSchema,
  TargetStateServicePathSchema,
  TargetStateVersionPathSchema,
} from '@envmgr/api-contract';
import { deleteTargetState, getTargetState, type ServiceStateDeps } from '@envmgr/app';
import { declare } from '../access/route-permission.js';
import { json, requestContext, type App } from '../context.js';
import { problemResponses } from '../problems/responses.js';
import { toDeletedTargetStateDto, toTargetStateDto } from './service-state-dtos.js';

const tags = ['Target state'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const DELETE_RULES =
  'Needs DELETE on the path (under `/api/v1`) for the environment\'s owning cluster and type (SPEC §9); 423 `deployments-locked` while ' +
  'deployments to the environment are locked. Role entries go first, so an agent never sees an entry without its definition; agents ' +
  'then uninstall what no entry names. Answers the keys deleted (none is not an error).';

/** `GET /target-state/{environment}` and `DELETE /target-state/{environment}[/{service}[/{version}]]` (SPEC §11). */
export function registerTargetStateRoutes(app: App, deps: ServiceStateDeps): void {
  const path = '/api/v1/target-state/{environment}';
  app.openapi(
    createRoute({
      method: 'get', path, tags, operationId: 'getTargetState', summary: "An environment's target state",
      description:
        'What the agents of each runtime server role are asked to run (SPEC §5 item 3), parsed as the agents parse it: the role entries ' +
        '`{service, slice, version, deploymentId, instanceIds, action}` and each service version\'s definition and installation. ' +
        'Values the agents skip are listed in `problems`.',
      request: { params: TargetStatePathSchema, query: TargetStateQuerySchema },
      responses: { 200: ok('the target state, roles and keys in key order', TargetStateSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const { environment } = c.req.valid('param');
      const { serverRole } = c.req.valid('query');
      return json(200, toTargetStateDto(await getTargetState(deps, c.get('actor'), { environment, serverRole }), serverRole));
    },
  );

  const deletions = [
    { suffix: '', params: TargetStatePathSchema, id: 'deleteTargetState', summary: "Delete an environment's target state", what: "Deletes every role entry and service version of the environment's target state." },
    { suffix: '/{service}', params: TargetStateServicePathSchema, id: 'deleteServiceTargetState', summary: "Delete a service's target state", what: "Deletes the service's versions (`environments/<env>/services/<service>/`) and its entries in every role." },
    { suffix: '/{service}/{version}', params: TargetStateVersionPathSchema, id: 'deleteServiceVersionTargetState', summary: "Delete a service version's target state", what: "Deletes the version's definition and installation and the role entries that ask for that version." },
  ] as const;
  for (const d of deletions) {
    app.openapi(
      createRoute(
        declare('permission', {
          method: 'delete', path: `${path}${d.suffix}`, tags, operationId: d.id, summary: d.summary,
          description: `${d.what} ${DELETE_RULES}`,
          request: { params: d.params },
          responses: { 200: ok('the keys deleted', DeletedTargetStateSchema), ...problemResponses(401, 403, 404, 423) },
        }),
      ),
      async (c) => {
        const p: { environment: string; service?: string; version?: string } = c.req.valid('param');
        const { deletedKeys } = await deleteTargetState(deps, requestContext(c), p);
        return json(200, toDeletedTargetStateDto(p, deletedKeys));
      },
    );
  }
}
