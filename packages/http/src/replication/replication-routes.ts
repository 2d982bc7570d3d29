import { createRoute, type z } from '@hono/zod-openapi';
import { ReplicationRunSchema, ReplicationStatusSchema } from '@envmgr/api-contract';
import { replicateNow, replicationStatus, type ReplicationDeps, type ReplicationJob } from '@envmgr/app';
import { json, requestContext, type App } from '../context.js';
import { problemResponses } from '../problems/responses.js';
import { declare } from '../access/route-permission.js';

const tags = ['Replication'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

/** What the replication routes work with: the status's deps and the job that runs a pass. */
export interface ReplicationHttpDeps {
  deps: ReplicationDeps;
  job: ReplicationJob;
}

/** Replication to child accounts (docs/backup-and-replication.md#replication-to-child-accounts). */
export function registerReplicationRoutes(app: App, r: ReplicationHttpDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/replication', tags, operationId: 'replicationStatus', summary: "Each child account's replication state and lag",
      responses: { 200: ok('every account replicated into, in the order of the configuration', ReplicationStatusSchema), ...problemResponses(401, 503) },
    }),
    async (c) => json(200, { accounts: await replicationStatus(r.deps, requestContext(c)) }),
  );

  app.openapi(
    createRoute(declare('admin', {
      method: 'post', path: '/api/v1/replication/run', tags, operationId: 'replicateNow', summary: 'Run a replication pass now',
      responses: { 200: ok('each account after the pass (ran is false when another server runs it)', ReplicationRunSchema), ...problemResponses(401, 403, 503) },
    })),
    async (c) => json(200, await replicateNow(r.job, requestContext(c))),
  );
}
