import type { JsonObject, Subscription } from '@envmgr/domain';

/** A domain event as kept in the event log: a stable type, a unique id, when, who, about what, and what. */
export interface StoredEvent {
  /** Position in the log: 1, 2, 3… in append order; cursors are positions. */
  seq: number;
  /** Unique in the log; appending a second event with a known id stores nothing (at-least-once publishers). */
  id: string;
  type: string;
  /** ISO 8601 UTC. */
  at: string;
  actor: string;
  /** What it is about, for filtering: environment, cluster, service, deployment. */
  subject: Record<string, string>;
  payload: JsonObject;
}

export type NewStoredEvent = Omit<StoredEvent, 'seq'>;

/** A subscription as stored: with the webhook's signing secret, which is shown once, at creation, and never again. */
export interface StoredSubscription extends Subscription {
  secret?: string | undefined;
}

export type DeliveryState = 'pending' | 'delivered' | 'dead';

/** One event on its way to one subscription. */
export interface DeliveryRecord {
  id: string;
  subscriptionId: string;
  eventSeq: number;
  eventId: string;
  eventType: string;
  /** Email recipients worked out when the event was routed (owners may change later; the event went to these). */
  recipients?: string[] | undefined;
  state: DeliveryState;
  /** Tries made so far. */
  attempts: number;
  /** When it may be tried (again), ms since the epoch. */
  nextAttemptAtMs: number;
  createdAtMs: number;
  /** When it was delivered or dead-lettered. */
  finishedAtMs?: number | undefined;
  /** Why the last try failed (status and a short reason; never a response body or a secret). */
  lastError?: string | undefined;
}

export type NewDelivery = Omit<DeliveryRecord, 'state' | 'attempts' | 'finishedAtMs' | 'lastError'>;

/** The result of one try, as the delivery job decides it. */
export type AttemptOutcome =
  | { state: 'delivered'; atMs: number }
  | { state: 'pending'; error: string; nextAttemptAtMs: number }
  | { state: 'dead'; error: string; atMs: number };

export interface DeliveryQuery {
  state?: DeliveryState;
  subscriptionId?: string;
  /** Only deliveries with an id greater than this (ids sort in creation order within a subscription). */
  after?: string;
  limit: number;
}

/**
 * The notifications' own storage: the event log with named cursors, the subscriptions, and the deliveries with their
 * retries and dead letters. Not configuration: subscriptions hold signing secrets that must not travel with config
 * exports, backups or replication; each change of one is audited as a `subscription.*` event in the same write.
 *
 * Invariants every adapter keeps (checked by `notificationStoreContract`):
 * - `appendEvent` gives increasing `seq`; a known `id` stores nothing and returns undefined.
 * - `enqueue` adds the deliveries and moves the cursor in one step; a delivery for a (subscription, event) pair that
 *   exists already is skipped, so a fan-out that is repeated after a crash sends nothing twice.
 * - `dueDeliveries` returns, per subscription, only its oldest pending delivery (by `eventSeq`), and only when it is
 *   due: a subscription's events are delivered in order, one at a time; dead ones no longer hold the queue.
 * - subscription writes check `expectedVersion` (`VersionConflictError`), a missing one is `NotFoundError`, and the
 *   audit event is stored with the change or not at all; deleting a subscription deletes its deliveries.
 * - records read back equal to what was written; callers share no objects with the store.
 */
export interface NotificationStore {
  appendEvent(event: NewStoredEvent): Promise<StoredEvent | undefined>;
  /** Events with `seq > afterSeq`, oldest first. */
  readEvents(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The highest `seq` stored, 0 when empty. */
  lastSeq(): Promise<number>;
  /** A cursor's position, 0 when it was never set. */
  cursor(name: string): Promise<number>;
  /** Stores the deliveries and sets the cursor to `seq`, atomically. */
  enqueue(cursor: { name: string; seq: number }, deliveries: readonly NewDelivery[]): Promise<void>;
  dueDeliveries(nowMs: number, limit: number): Promise<DeliveryRecord[]>;
  /** Records a try's outcome; the attempt count goes up by one. */
  finishAttempt(id: string, outcome: AttemptOutcome): Promise<void>;
  getDelivery(id: string): Promise<DeliveryRecord | undefined>;
  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]>;
  /** Puts a dead delivery back in its subscription's queue, due at `nowMs`, with its tries reset. */
  redeliver(id: string, nowMs: number): Promise<DeliveryRecord | undefined>;
  /** Counts by state (for metrics and the health check). */
  countDeliveries(): Promise<Record<DeliveryState, number>>;

  getSubscription(id: string): Promise<StoredSubscription | undefined>;
  listSubscriptions(): Promise<StoredSubscription[]>;
  /** Throws `AlreadyExistsError` on a known id. */
  createSubscription(sub: StoredSubscription, audit: NewStoredEvent): Promise<void>;
  /** Replaces a subscription whose stored version is `expectedVersion`; `sub.version` is the new one. */
  updateSubscription(sub: StoredSubscription, expectedVersion: number, audit: NewStoredEvent): Promise<void>;
  deleteSubscription(id: string, expectedVersion: number, audit: NewStoredEvent): Promise<void>;
  close(): Promise<void>;
}
