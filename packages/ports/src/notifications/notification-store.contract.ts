import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, NotFoundError, VersionConflictError } from '@envmgr/domain';
import type { NewDelivery, NewStoredEvent, NotificationStore, StoredSubscription } from './notification-store.js';

export interface NotificationStoreFixture {
  store: NotificationStore;
  /** Closes the store and opens it again on the same data; absent for stores that keep nothing. */
  reopen?: () => Promise<NotificationStore>;
  dispose(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 5);

function anEvent(id: string, over: Partial<NewStoredEvent> = {}): NewStoredEvent {
  return { id, type: 'deployment.failed', at: new Date(T0).toISOString(), actor: 'system:deployment-driver', subject: { environment: 'c50', deployment: id }, payload: { id, status: 'failed', nodes: [{ n: 1 }] }, ...over };
}

function aSubscription(id: string, over: Partial<StoredSubscription> = {}): StoredSubscription {
  return {
    id, name: `sub ${id}`, eventTypes: ['deployment.*'], channel: { kind: 'webhook', url: 'https://hooks.example.com/' }, enabled: true,
    createdBy: 'alice', createdAt: new Date(T0).toISOString(), version: 1, secret: 's3cret', ...over,
  };
}

function aDelivery(sub: string, seq: number, over: Partial<NewDelivery> = {}): NewDelivery {
  return { id: `d-${String(seq).padStart(12, '0')}-${sub}`, subscriptionId: sub, eventSeq: seq, eventId: `e${seq}`, eventType: 'deployment.failed', nextAttemptAtMs: T0, createdAtMs: T0, ...over };
}

const audit = (id: string) => anEvent(`audit-${id}`, { type: 'subscription.changed', actor: 'alice', subject: {}, payload: { id } });

/** The behaviour every NotificationStore adapter shares. */
export function notificationStoreContract(name: string, setup: () => Promise<NotificationStoreFixture>): void {
  describe(`NotificationStore contract: ${name}`, () => {
    let f: NotificationStoreFixture;
    let store: NotificationStore;
    beforeEach(async () => {
      f = await setup();
      store = f.store;
    });
    afterEach(() => f.dispose());

    it('appends events in order, drops a known id, and reads after a position', async () => {
      const a = await store.appendEvent(anEvent('a'));
      const b = await store.appendEvent(anEvent('b', { subject: {} }));
      expect(a).toMatchObject({ seq: 1, id: 'a' });
      expect(b?.seq).toBe(2);
      expect(await store.appendEvent(anEvent('a', { type: 'other' }))).toBeUndefined();
      expect(await store.lastSeq()).toBe(2);
      const read = await store.readEvents(0, 10);
      expect(read).toEqual([{ ...anEvent('a'), seq: 1 }, { ...anEvent('b', { subject: {} }), seq: 2 }]);
      read[0]!.payload['status'] = 'changed';
      expect((await store.readEvents(0, 1))[0]?.payload['status']).toBe('failed');
      expect((await store.readEvents(1, 10)).map((e) => e.id)).toEqual(['b']);
      expect(await store.readEvents(2, 10)).toEqual([]);
    });

    it('enqueues deliveries with the cursor, skipping pairs already queued', async () => {
      expect(await store.cursor('fanout')).toBe(0);
      await store.enqueue({ name: 'fanout', seq: 2 }, [aDelivery('s1', 1), aDelivery('s1', 2, { recipients: ['a@example.com'] })]);
      await store.enqueue({ name: 'fanout', seq: 2 }, [aDelivery('s1', 1), aDelivery('s1', 2, { id: 'other-id' })]);
      expect(await store.cursor('fanout')).toBe(2);
      const listed = await store.listDeliveries({ limit: 10 });
      expect(listed.map((d) => d.id)).toEqual([aDelivery('s1', 1).id, aDelivery('s1', 2).id]);
      expect(listed[1]).toMatchObject({ state: 'pending', attempts: 0, recipients: ['a@example.com'] });
      expect(listed[0]).not.toHaveProperty('finishedAtMs');
    });

    it('offers each subscription its oldest pending delivery only, when due', async () => {
      await store.enqueue({ name: 'fanout', seq: 3 }, [aDelivery('s1', 1), aDelivery('s1', 2), aDelivery('s2', 3, { nextAttemptAtMs: T0 + 5000 })]);
      expect((await store.dueDeliveries(T0, 10)).map((d) => d.eventSeq)).toEqual([1]);
      expect((await store.dueDeliveries(T0 + 5000, 10)).map((d) => d.eventSeq)).toEqual([1, 3]);
      const first = aDelivery('s1', 1).id;
      await store.finishAttempt(first, { state: 'pending', error: 'HTTP 503', nextAttemptAtMs: T0 + 1000 });
      // the failed head holds back its subscription's later events: order per subscription
      expect((await store.dueDeliveries(T0 + 500, 10)).map((d) => d.eventSeq)).toEqual([]);
      expect(await store.getDelivery(first)).toMatchObject({ attempts: 1, lastError: 'HTTP 503', nextAttemptAtMs: T0 + 1000 });
      await store.finishAttempt(first, { state: 'delivered', atMs: T0 + 1000 });
      expect((await store.dueDeliveries(T0 + 1000, 10)).map((d) => d.eventSeq)).toEqual([2]);
      expect(await store.getDelivery(first)).toMatchObject({ state: 'delivered', attempts: 2, finishedAtMs: T0 + 1000 });
    });

    it('dead-letters, lets the queue move on, and redelivers on request', async () => {
      await store.enqueue({ name: 'fanout', seq: 2 }, [aDelivery('s1', 1), aDelivery('s1', 2)]);
      const first = aDelivery('s1', 1).id;
      await store.finishAttempt(first, { state: 'dead', error: 'HTTP 500', atMs: T0 });
      expect((await store.dueDeliveries(T0, 10)).map((d) => d.eventSeq)).toEqual([2]);
      expect((await store.listDeliveries({ state: 'dead', limit: 10 })).map((d) => d.id)).toEqual([first]);
      expect(await store.countDeliveries()).toEqual({ pending: 1, delivered: 0, dead: 1 });
      expect(await store.redeliver(aDelivery('s1', 2).id, T0)).toBeUndefined();
      expect(await store.redeliver(first, T0 + 10)).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAtMs: T0 + 10 });
      expect((await store.dueDeliveries(T0 + 10, 10)).map((d) => d.eventSeq)).toEqual([1]);
      await expect(store.finishAttempt('missing', { state: 'delivered', atMs: T0 })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('pages deliveries by id and filters by subscription', async () => {
      await store.enqueue({ name: 'fanout', seq: 3 }, [aDelivery('s1', 1), aDelivery('s2', 2), aDelivery('s1', 3)]);
      const page = await store.listDeliveries({ subscriptionId: 's1', limit: 1 });
      expect(page.map((d) => d.eventSeq)).toEqual([1]);
      expect((await store.listDeliveries({ subscriptionId: 's1', after: page[0]!.id, limit: 5 })).map((d) => d.eventSeq)).toEqual([3]);
    });

    it('keeps subscriptions with versions and audits each change with it', async () => {
      await store.createSubscription(aSubscription('s1'), audit('1'));
      await expect(store.createSubscription(aSubscription('s1'), audit('2'))).rejects.toBeInstanceOf(AlreadyExistsError);
      expect(await store.getSubscription('s1')).toEqual(aSubscription('s1'));
      const email = aSubscription('s2', { channel: { kind: 'email', to: ['a@example.com'] }, secret: undefined, environments: ['c50'] });
      await store.createSubscription(email, audit('3'));
      expect((await store.listSubscriptions()).map((s) => s.id)).toEqual(['s1', 's2']);
      await expect(store.updateSubscription(aSubscription('s1', { version: 3 }), 2, audit('4'))).rejects.toBeInstanceOf(VersionConflictError);
      await store.updateSubscription(aSubscription('s1', { version: 2, enabled: false }), 1, audit('5'));
      expect(await store.getSubscription('s1')).toMatchObject({ version: 2, enabled: false });
      await store.enqueue({ name: 'fanout', seq: 1 }, [aDelivery('s1', 1)]);
      await expect(store.deleteSubscription('nope', 1, audit('6'))).rejects.toBeInstanceOf(NotFoundError);
      await store.deleteSubscription('s1', 2, audit('7'));
      expect(await store.getSubscription('s1')).toBeUndefined();
      expect(await store.listDeliveries({ limit: 10 })).toEqual([]);
      expect((await store.readEvents(0, 10)).map((e) => e.id)).toEqual(['audit-1', 'audit-3', 'audit-5', 'audit-7']);
    });

    it('keeps events, cursors, subscriptions and deliveries across a restart', async () => {
      if (!f.reopen) return;
      await store.appendEvent(anEvent('a'));
      await store.createSubscription(aSubscription('s1'), audit('1'));
      await store.enqueue({ name: 'fanout', seq: 2 }, [aDelivery('s1', 1)]);
      store = await f.reopen();
      expect(await store.cursor('fanout')).toBe(2);
      expect(await store.lastSeq()).toBe(2);
      expect(await store.getSubscription('s1')).toEqual(aSubscription('s1'));
      expect((await store.dueDeliveries(T0, 10)).map((d) => d.id)).toEqual([aDelivery('s1', 1).id]);
      expect(await store.appendEvent(anEvent('b'))).toMatchObject({ seq: 3 });
    });
  });
}
