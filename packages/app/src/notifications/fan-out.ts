import { subscriptionMatches } from '@envmgr/domain';
import type { NewDelivery, StoredEvent, StoredSubscription } from '@envmgr/ports';
import { FANOUT_CURSOR, type NotificationDeps } from './notification-deps.js';
import { cachedOwnerLookup, ownerDeliveries } from './owner-channels.js';
import { ownersOf } from './owners.js';

/** The id of a delivery: by event position, so that ids sort in delivery order within a subscription. */
export const deliveryId = (eventSeq: number, subscriptionId: string) => `${String(eventSeq).padStart(12, '0')}-${subscriptionId}`;

/**
 * Routes the events after the fan-out cursor to the subscriptions that match them, queueing one delivery per
 * (event, subscription) and moving the cursor in the same write. Email subscriptions without recipients go to the
 * owners of the event's environment; when it has none the delivery is not queued. The owners' chat, paging and
 * ticketing endpoints of notification settings get their own queues (owner-channels.ts). Returns the events routed.
 */
export async function fanOutPass(deps: Pick<NotificationDeps, 'store' | 'config' | 'clock'>, batch = 200): Promise<number> {
  const after = await deps.store.cursor(FANOUT_CURSOR);
  const events = await deps.store.readEvents(after, batch);
  const last = events.at(-1);
  if (!last) return 0;
  const subs = await deps.store.listSubscriptions();
  const now = deps.clock.now();
  const deliveries: NewDelivery[] = [];
  const owners = cachedOwnerLookup(deps.config);
  for (const event of events) {
    for (const sub of subs) {
      if (!subscriptionMatches(sub, event)) continue;
      const d = await deliveryFor(deps, sub, event, now);
      if (d) deliveries.push(d);
    }
    // the owners' chat, paging and ticketing endpoints hear about their environments without subscribing
    deliveries.push(...(await ownerDeliveries(owners, event, now)));
  }
  await deps.store.enqueue({ name: FANOUT_CURSOR, seq: last.seq }, deliveries);
  return events.length;
}

async function deliveryFor(deps: Pick<NotificationDeps, 'config'>, sub: StoredSubscription, event: StoredEvent, now: number): Promise<NewDelivery | undefined> {
  const base = { id: deliveryId(event.seq, sub.id), subscriptionId: sub.id, eventSeq: event.seq, eventId: event.id, eventType: event.type, nextAttemptAtMs: now, createdAtMs: now };
  if (sub.channel.kind === 'webhook') return base;
  const recipients = sub.channel.to?.length ? sub.channel.to : await ownersOf(deps.config, event.subject);
  return recipients.length > 0 ? { ...base, recipients } : undefined;
}
