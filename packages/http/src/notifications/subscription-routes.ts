import { createRoute, z } from '@hono/zod-openapi';
import {
  DeliveryListSchema,
  DeliveryPathSchema,
  DeliveryQuerySchema,
  DeliverySchema,
  SubscriptionCreatedSchema,
  SubscriptionListSchema,
  SubscriptionPathSchema,
  SubscriptionRequestSchema,
  SubscriptionSchema,
  type SubscriptionRequest,
} from '@envmgr/api-contract';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  redeliver,
  updateSubscription,
  type NotificationDeps,
  type SubscriptionInput,
} from '@envmgr/app';
import { PreconditionRequiredError } from '@envmgr/domain';
import { json, requestContext, type App } from '../context.js';
import { declare } from '../access/route-permission.js';
import { problemResponses } from '../problems/responses.js';
import { etag, expectedVersion } from '../config/expected-version.js';

const tags = ['Notifications'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const body = { body: { content: { 'application/json': { schema: SubscriptionRequestSchema } }, required: true } };
const VersionHeaders = z.object({ 'if-match': z.string().optional(), 'expected-version': z.string().optional() });

function input(r: SubscriptionRequest): SubscriptionInput & { rotateSecret?: boolean | undefined } {
  return { ...r, channel: r.channel.kind === 'webhook' ? { kind: 'webhook', url: r.channel.url } : { kind: 'email', ...(r.channel.to ? { to: r.channel.to } : {}) } };
}

function versionOf(h: { 'if-match'?: string | undefined; 'expected-version'?: string | undefined }, id: string): number {
  const v = expectedVersion(h['if-match'], h['expected-version'], undefined);
  if (v === undefined) throw new PreconditionRequiredError('subscription', id);
  return v;
}

/** Subscriptions to domain events, their deliveries and dead letters (docs/notifications.md). */
export function registerSubscriptionRoutes(app: App, deps: NotificationDeps, wake: () => void = () => undefined): void {
  // before `/subscriptions/{id}`, which would take `deliveries` for an id
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/subscriptions/deliveries', tags, operationId: 'listDeliveries', summary: 'Deliveries of events to subscriptions; state=dead lists dead letters',
      request: { query: DeliveryQuerySchema }, responses: { 200: ok('oldest first', DeliveryListSchema), ...problemResponses(401) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const list = await listDeliveries(deps, requestContext(c), {
        limit: q.limit, ...(q.state ? { state: q.state } : {}), ...(q.subscription ? { subscriptionId: q.subscription } : {}), ...(q.after ? { after: q.after } : {}),
      });
      return json(200, list);
    },
  );
  app.openapi(
    createRoute(declare('permission', {
      method: 'post', path: '/api/v1/subscriptions/deliveries/{id}/redeliver', tags, operationId: 'redeliver', summary: 'Puts a dead-lettered delivery back in its queue',
      request: { params: DeliveryPathSchema }, responses: { 200: ok('queued again', DeliverySchema), ...problemResponses(401, 403, 404) },
    })),
    async (c) => {
      const delivery = await redeliver(deps, requestContext(c), c.req.valid('param').id);
      // the receiver is likely back: try at once rather than at the next interval
      wake();
      return json(200, delivery);
    },
  );
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/subscriptions', tags, operationId: 'listSubscriptions', summary: 'Subscriptions to EM events',
      responses: { 200: ok('every subscription (secrets are never shown)', SubscriptionListSchema), ...problemResponses(401) },
    }),
    async (c) => json(200, await listSubscriptions(deps, requestContext(c))),
  );
  app.openapi(
    createRoute(declare('permission', {
      method: 'post', path: '/api/v1/subscriptions', tags, operationId: 'createSubscription', summary: 'Subscribes a webhook or email to events',
      description: 'A webhook URL that is not http(s) or points at a link-local or metadata address is refused (400, `channel.url`). The answer carries the signing secret, once.',
      request: body, responses: { 201: ok('created', SubscriptionCreatedSchema), ...problemResponses(401, 403) },
    })),
    async (c) => {
      const created = await createSubscription(deps, requestContext(c), input(c.req.valid('json')));
      return json(201, created, { location: `/api/v1/subscriptions/${created.subscription.id}`, etag: etag(created.subscription.version) });
    },
  );
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/subscriptions/{id}', tags, operationId: 'getSubscription', summary: 'One subscription',
      request: { params: SubscriptionPathSchema }, responses: { 200: ok('the subscription', SubscriptionSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const sub = await getSubscription(deps, requestContext(c), c.req.valid('param').id);
      return json(200, sub, { etag: etag(sub.version) });
    },
  );
  app.openapi(
    createRoute(declare('permission', {
      method: 'put', path: '/api/v1/subscriptions/{id}', tags, operationId: 'updateSubscription', summary: 'Replaces a subscription (expected-version or If-Match)',
      request: { params: SubscriptionPathSchema, headers: VersionHeaders, ...body }, responses: { 200: ok('replaced', SubscriptionCreatedSchema), ...problemResponses(401, 403, 404, 409, 428) },
    })),
    async (c) => {
      const id = c.req.valid('param').id;
      const updated = await updateSubscription(deps, requestContext(c), id, versionOf(c.req.valid('header'), id), input(c.req.valid('json')));
      return json(200, updated, { etag: etag(updated.subscription.version) });
    },
  );
  app.openapi(
    createRoute(declare('permission', {
      method: 'delete', path: '/api/v1/subscriptions/{id}', tags, operationId: 'deleteSubscription', summary: 'Deletes a subscription and its queued deliveries',
      request: { params: SubscriptionPathSchema, headers: VersionHeaders }, responses: { 204: { description: 'deleted' }, ...problemResponses(401, 403, 404, 409, 428) },
    })),
    async (c) => {
      const id = c.req.valid('param').id;
      await deleteSubscription(deps, requestContext(c), id, versionOf(c.req.valid('header'), id));
      return c.body(null, 204);
    },
  );
}
