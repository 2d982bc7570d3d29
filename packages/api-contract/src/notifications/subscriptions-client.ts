import { parseReply, type Send } from '../client/transport.js';
import {
  DeliveryListSchema,
  DeliverySchema,
  SubscriptionCreatedSchema,
  SubscriptionListSchema,
  SubscriptionSchema,
  type DeliveryDto,
  type DeliveryQuery,
  type SubscriptionCreatedDto,
  type SubscriptionDto,
  type SubscriptionRequest,
} from './subscription-schemas.js';

/**
 * Subscriptions to EM's events and their deliveries (docs/notifications.md). Failures are ApiErrors:
 * `validation-failed` (400, with the field, e.g. `channel.url` for a refused webhook URL), `not-found` (404),
 * `version-conflict` (409), `permission-denied` (403).
 */
export interface SubscriptionsApi {
  subscriptions(): Promise<SubscriptionDto[]>;
  subscription(id: string): Promise<SubscriptionDto>;
  /** Creates one; a webhook's signing secret is in the answer, once. */
  createSubscription(request: SubscriptionRequest): Promise<SubscriptionCreatedDto>;
  updateSubscription(id: string, expectedVersion: number, request: SubscriptionRequest): Promise<SubscriptionCreatedDto>;
  deleteSubscription(id: string, expectedVersion: number): Promise<void>;
  /** Deliveries, oldest first; `state: 'dead'` is the dead-letter list. */
  deliveries(query?: DeliveryQuery): Promise<DeliveryDto[]>;
  /** Puts a dead-lettered delivery back in its subscription's queue. */
  redeliver(deliveryId: string): Promise<DeliveryDto>;
}

export function createSubscriptionsApi(send: Send): SubscriptionsApi {
  const one = (id: string) => `subscriptions/${encodeURIComponent(id)}`;
  const version = (v: number) => ({ 'expected-version': String(v) });
  return {
    async subscriptions() {
      return parseReply(await send({ method: 'GET', path: 'subscriptions' }), SubscriptionListSchema);
    },
    async subscription(id) {
      return parseReply(await send({ method: 'GET', path: one(id) }), SubscriptionSchema);
    },
    async createSubscription(request) {
      return parseReply(await send({ method: 'POST', path: 'subscriptions', body: request }), SubscriptionCreatedSchema);
    },
    async updateSubscription(id, expectedVersion, request) {
      return parseReply(await send({ method: 'PUT', path: one(id), headers: version(expectedVersion), body: request }), SubscriptionCreatedSchema);
    },
    async deleteSubscription(id, expectedVersion) {
      await send({ method: 'DELETE', path: one(id), headers: version(expectedVersion) });
    },
    async deliveries(query = {}) {
      const q = { state: query.state, subscription: query.subscription, after: query.after, limit: query.limit };
      return parseReply(await send({ method: 'GET', path: 'subscriptions/deliveries', query: q }), DeliveryListSchema);
    },
    async redeliver(deliveryId) {
      return parseReply(await send({ method: 'POST', path: `subscriptions/deliveries/${encodeURIComponent(deliveryId)}/redeliver` }), DeliverySchema);
    },
  };
}
