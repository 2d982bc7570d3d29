import { NotFoundError, ValidationError, subscriptionProblems, type JsonObject, type SubscriptionChannel } from '@envmgr/domain';
import type { DeliveryQuery, DeliveryRecord, NewStoredEvent, StoredSubscription } from '@envmgr/ports';
import type { RequestContext } from '../context.js';
import { requireSignedIn } from '../identity/access.js';
import type { NotificationDeps } from './notification-deps.js';

/** A subscription as people see it: never its signing secret. */
export type SubscriptionView = Omit<StoredSubscription, 'secret'>;

export const subscriptionView = ({ secret: _hidden, ...rest }: StoredSubscription): SubscriptionView => rest;

/** What a caller gives to create or replace a subscription. */
export interface SubscriptionInput {
  name: string;
  eventTypes: string[];
  environments?: string[] | undefined;
  clusters?: string[] | undefined;
  channel: SubscriptionChannel;
  enabled?: boolean | undefined;
}

type Deps = Pick<NotificationDeps, 'store' | 'clock' | 'ids' | 'secrets'>;

function check(input: SubscriptionInput): void {
  const problems = subscriptionProblems(input);
  if (problems.length > 0) throw new ValidationError(problems);
}

function auditEvent(deps: Deps, ctx: RequestContext, change: 'created' | 'updated' | 'deleted', sub: SubscriptionView): NewStoredEvent {
  const payload = { ...JSON.parse(JSON.stringify(sub)), requestId: ctx.requestId } as JsonObject;
  return { id: deps.ids.next(), type: `subscription.${change}`, at: new Date(deps.clock.now()).toISOString(), actor: ctx.actor.name, subject: { subscription: sub.id }, payload };
}

const fields = (input: SubscriptionInput) => ({
  name: input.name,
  eventTypes: [...input.eventTypes],
  ...(input.environments?.length ? { environments: [...input.environments] } : {}),
  ...(input.clusters?.length ? { clusters: [...input.clusters] } : {}),
  channel: input.channel,
  enabled: input.enabled ?? true,
});

/**
 * Creates a subscription (the route has checked the caller's permission). A webhook subscription gets a signing
 * secret, returned here once and never shown again. Refuses a webhook URL that is not http(s) or points at a
 * link-local or metadata address, naming the field (`channel.url`).
 */
export async function createSubscription(deps: Deps, ctx: RequestContext, input: SubscriptionInput): Promise<{ subscription: SubscriptionView; secret?: string }> {
  check(input);
  const secret = input.channel.kind === 'webhook' ? deps.secrets.next() : undefined;
  const sub: StoredSubscription = {
    id: deps.ids.next(), ...fields(input), createdBy: ctx.actor.name, createdAt: new Date(deps.clock.now()).toISOString(), version: 1, ...(secret ? { secret } : {}),
  };
  await deps.store.createSubscription(sub, auditEvent(deps, ctx, 'created', subscriptionView(sub)));
  return { subscription: subscriptionView(sub), ...(secret ? { secret } : {}) };
}

/** Replaces a subscription at `expectedVersion`; a webhook keeps its secret unless `rotateSecret`. */
export async function updateSubscription(
  deps: Deps, ctx: RequestContext, id: string, expectedVersion: number, input: SubscriptionInput & { rotateSecret?: boolean | undefined },
): Promise<{ subscription: SubscriptionView; secret?: string }> {
  check(input);
  const before = await getStored(deps, ctx, id);
  const rotate = input.channel.kind === 'webhook' && (input.rotateSecret === true || !before.secret);
  const secret = input.channel.kind !== 'webhook' ? undefined : rotate ? deps.secrets.next() : before.secret;
  const sub: StoredSubscription = { ...fields(input), id, createdBy: before.createdBy, createdAt: before.createdAt, version: expectedVersion + 1, ...(secret ? { secret } : {}) };
  await deps.store.updateSubscription(sub, expectedVersion, auditEvent(deps, ctx, 'updated', subscriptionView(sub)));
  return { subscription: subscriptionView(sub), ...(rotate && secret ? { secret } : {}) };
}

export async function deleteSubscription(deps: Deps, ctx: RequestContext, id: string, expectedVersion: number): Promise<void> {
  const before = await getStored(deps, ctx, id);
  await deps.store.deleteSubscription(id, expectedVersion, auditEvent(deps, ctx, 'deleted', subscriptionView(before)));
}

export async function getSubscription(deps: Pick<Deps, 'store'>, ctx: RequestContext, id: string): Promise<SubscriptionView> {
  return subscriptionView(await getStored(deps, ctx, id));
}

export async function listSubscriptions(deps: Pick<Deps, 'store'>, ctx: RequestContext): Promise<SubscriptionView[]> {
  requireSignedIn(ctx.actor);
  return (await deps.store.listSubscriptions()).map(subscriptionView);
}

/** Deliveries, oldest first: `state: 'dead'` is the dead-letter list. */
export async function listDeliveries(deps: Pick<Deps, 'store'>, ctx: RequestContext, query: DeliveryQuery): Promise<DeliveryRecord[]> {
  requireSignedIn(ctx.actor);
  return deps.store.listDeliveries(query);
}

/** Puts a dead-lettered delivery back at the head of its subscription's queue (the route checked permission). */
export async function redeliver(deps: Pick<Deps, 'store' | 'clock'>, ctx: RequestContext, id: string): Promise<DeliveryRecord> {
  requireSignedIn(ctx.actor);
  const d = await deps.store.getDelivery(id);
  if (!d) throw new NotFoundError('delivery', id, { hint: 'list dead letters with GET /api/v1/subscriptions/deliveries?state=dead' });
  const back = await deps.store.redeliver(id, deps.clock.now());
  if (!back) throw new ValidationError([{ path: 'id', message: `delivery '${id}' is ${d.state}; only dead-lettered deliveries are redelivered` }]);
  return back;
}

async function getStored(deps: Pick<Deps, 'store'>, ctx: RequestContext, id: string): Promise<StoredSubscription> {
  requireSignedIn(ctx.actor);
  const sub = await deps.store.getSubscription(id);
  if (!sub) throw new NotFoundError('subscription', id, { hint: 'list them with GET /api/v1/subscriptions' });
  return sub;
}
