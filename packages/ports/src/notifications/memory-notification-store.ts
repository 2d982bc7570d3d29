import { AlreadyExistsError, NotFoundError, VersionConflictError } from '@envmgr/domain';
import type { DeliveryRecord, DeliveryState, NewStoredEvent, NotificationStore, StoredEvent, StoredSubscription } from './notification-store.js';

const copy = <T>(v: T): T => structuredClone(v);

/** A NotificationStore in memory (tests, `ENVMGR_STORE=memory`); it keeps nothing across restarts. */
export function createMemoryNotificationStore(): NotificationStore {
  const events: StoredEvent[] = [];
  const ids = new Set<string>();
  const cursors = new Map<string, number>();
  const deliveries = new Map<string, DeliveryRecord>();
  const subs = new Map<string, StoredSubscription>();

  const append = (e: NewStoredEvent): StoredEvent | undefined => {
    if (ids.has(e.id)) return undefined;
    ids.add(e.id);
    const stored = { ...copy(e), seq: events.length + 1 };
    events.push(stored);
    return copy(stored);
  };
  const current = (id: string, expectedVersion: number): StoredSubscription => {
    const found = subs.get(id);
    if (!found) throw new NotFoundError('subscription', id);
    if (found.version !== expectedVersion) throw new VersionConflictError('subscription', id, expectedVersion, found.version);
    return found;
  };
  const sorted = () => [...deliveries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return {
    async appendEvent(e) {
      return append(e);
    },
    async readEvents(afterSeq, limit) {
      return events.slice(Math.max(0, afterSeq), Math.max(0, afterSeq) + limit).map(copy);
    },
    async lastSeq() {
      return events.length;
    },
    async cursor(name) {
      return cursors.get(name) ?? 0;
    },
    async enqueue(cursor, list) {
      for (const d of list) {
        const exists = [...deliveries.values()].some((x) => x.subscriptionId === d.subscriptionId && x.eventId === d.eventId);
        if (!exists && !deliveries.has(d.id)) deliveries.set(d.id, { ...copy(d), state: 'pending', attempts: 0 });
      }
      cursors.set(cursor.name, cursor.seq);
    },
    async dueDeliveries(nowMs, limit) {
      const heads = new Map<string, DeliveryRecord>();
      for (const d of deliveries.values()) {
        if (d.state !== 'pending') continue;
        const head = heads.get(d.subscriptionId);
        if (!head || d.eventSeq < head.eventSeq) heads.set(d.subscriptionId, d);
      }
      return [...heads.values()]
        .filter((d) => d.nextAttemptAtMs <= nowMs)
        .sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs || a.eventSeq - b.eventSeq)
        .slice(0, limit)
        .map(copy);
    },
    async finishAttempt(id, outcome) {
      const d = deliveries.get(id);
      if (!d) throw new NotFoundError('delivery', id);
      d.attempts += 1;
      d.state = outcome.state;
      if (outcome.state === 'pending') {
        d.nextAttemptAtMs = outcome.nextAttemptAtMs;
        d.lastError = outcome.error;
      } else {
        d.finishedAtMs = outcome.atMs;
        if (outcome.state === 'dead') d.lastError = outcome.error;
      }
    },
    async getDelivery(id) {
      const d = deliveries.get(id);
      return d ? copy(d) : undefined;
    },
    async listDeliveries(q) {
      return sorted()
        .filter((d) => (q.state === undefined || d.state === q.state) && (q.subscriptionId === undefined || d.subscriptionId === q.subscriptionId) && (q.after === undefined || d.id > q.after))
        .slice(0, q.limit)
        .map(copy);
    },
    async redeliver(id, nowMs) {
      const d = deliveries.get(id);
      if (!d || d.state !== 'dead') return undefined;
      d.state = 'pending';
      d.attempts = 0;
      d.nextAttemptAtMs = nowMs;
      delete d.finishedAtMs;
      return copy(d);
    },
    async countDeliveries() {
      const counts: Record<DeliveryState, number> = { pending: 0, delivered: 0, dead: 0 };
      for (const d of deliveries.values()) counts[d.state] += 1;
      return counts;
    },
    async getSubscription(id) {
      const s = subs.get(id);
      return s ? copy(s) : undefined;
    },
    async listSubscriptions() {
      return [...subs.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(copy);
    },
    async createSubscription(sub, audit) {
      if (subs.has(sub.id)) throw new AlreadyExistsError('subscription', sub.id);
      subs.set(sub.id, copy(sub));
      append(audit);
    },
    async updateSubscription(sub, expectedVersion, audit) {
      current(sub.id, expectedVersion);
      subs.set(sub.id, copy(sub));
      append(audit);
    },
    async deleteSubscription(id, expectedVersion, audit) {
      current(id, expectedVersion);
      subs.delete(id);
      for (const [key, d] of deliveries) if (d.subscriptionId === id) deliveries.delete(key);
      append(audit);
    },
    async close() {},
  };
}
