import { createRoute, z } from '@hono/zod-openapi';
import { PermissionSchema } from '@envmgr/api-contract';
import { simulatePermission, type SimulationRequest } from '@envmgr/app';
import type { Permission } from '@envmgr/domain';
import { json, type App, type HttpDeps } from '../context.js';
import { problemResponses } from '../problems/responses.js';
import { declare } from '../access/route-permission.js';

const Names = z.array(z.string().min(1).max(255)).max(50).default([]);

const EvaluateSchema = z
  .strictObject({
    permissions: z.array(PermissionSchema).max(500).optional().meta({ description: 'entries to evaluate' }),
    user: z.string().min(1).max(128).optional().meta({ description: 'or: a user, with the sets of their groups' }),
    group: z.string().min(1).max(255).optional().meta({ description: "or: a group's permission set" }),
    request: z.strictObject({
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
      resource: z.string().min(1).max(1024).meta({ description: 'path under /api/v1, e.g. /config/environments/c50' }),
      clusters: Names,
      environmentTypes: Names,
    }),
  })
  .refine((v) => [v.permissions, v.user, v.group].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of permissions, user or group',
    path: ['permissions'],
  })
  .meta({ id: 'PermissionEvaluationRequest' });

const EvaluationSchema = z
  .looseObject({
    allowed: z.boolean(),
    reason: z.string().optional(),
    code: z.string().optional(),
    deciding: z.array(z.record(z.string(), z.unknown())).optional(),
    nearMisses: z.array(z.record(z.string(), z.unknown())).optional(),
    evaluated: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'PermissionEvaluation' });

/** `POST /api/v1/permissions/evaluate`: EM's policy simulator (SPEC §9, issue 4). */
export function registerPolicyRoutes(app: App, deps: HttpDeps): void {
  app.openapi(
    createRoute(declare('admin', {
      method: 'post', path: '/api/v1/permissions/evaluate', tags: ['Identity'], operationId: 'evaluatePermissions',
      summary: 'Would these permissions (or this user or group) allow this request, and why',
      request: { body: { content: { 'application/json': { schema: EvaluateSchema } }, required: true as const } },
      responses: { 200: { description: 'the decision, its deciding entries and near misses', content: { 'application/json': { schema: EvaluationSchema } } }, ...problemResponses(401, 403, 404, 415) },
    })),
    async (c) => {
      const v = c.req.valid('json');
      const subject: SimulationRequest['subject'] =
        v.permissions !== undefined ? { permissions: v.permissions as Permission[] } : v.user !== undefined ? { user: v.user } : { group: v.group ?? '' };
      return json(200, await simulatePermission(deps.config, c.get('actor'), { subject, request: v.request }));
    },
  );
}
