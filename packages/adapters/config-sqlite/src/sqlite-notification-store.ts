import Database from 'better-sqlite3';
import { AlreadyExistsError, CorruptDataError, NotFoundError, VersionConflictError } from '@envmgr/domain';
import type { AttemptOutcome, DeliveryRecord, DeliveryState, NewDelivery, NewStoredEvent, NotificationStore, StoredEvent, StoredSubscription } from '@envmgr/ports';
import { guarded } from './sqlite-errors.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL,
  subject TEXT NOT NULL, payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS subscriptions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, record TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, event_seq INTEGER NOT NULL, event_id TEXT NOT NULL, state TEXT NOT NULL,
  next_attempt_at_ms INTEGER NOT NULL, record TEXT NOT NULL, UNIQUE (subscription_id, event_id)
) STRICT;
CREATE INDEX IF NOT EXISTS deliveries_queue ON deliveries (state, subscription_id, event_seq);
`;

interface EventRow { seq: number; id: string; type: string; at: string; actor: string; subject: string; payload: string }

function parse<T>(what: string, key: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new CorruptDataError(`${what} '${key}' is stored as invalid JSON; restore the notifications database from a backup`, { key }, { cause: err });
  }
}

const toEvent = (r: EventRow): StoredEvent => ({
  seq: r.seq, id: r.id, type: r.type, at: r.at, actor: r.actor, subject: parse('event', r.id, r.subject), payload: parse('event', r.id, r.payload),
});

/**
 * The notifications' event log, cursors, subscriptions and deliveries in one SQLite file, so that a fan-out moves
 * its cursor in the same transaction as the deliveries it queues, and a subscription change is stored with its audit
 * event. Records are JSON plus the columns the queue reads.
 */
export function createSqliteNotificationStore(opts: { path: string }): NotificationStore {
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const insertEvent = db.prepare('INSERT OR IGNORE INTO events (id, type, at, actor, subject, payload) VALUES (?, ?, ?, ?, ?, ?)');
  const eventBySeq = db.prepare<[number | bigint], EventRow>('SELECT * FROM events WHERE seq = ?');
  const append = (e: NewStoredEvent): StoredEvent | undefined => {
    const r = insertEvent.run(e.id, e.type, e.at, e.actor, JSON.stringify(e.subject), JSON.stringify(e.payload));
    if (r.changes === 0) return undefined;
    const row = eventBySeq.get(r.lastInsertRowid);
    return row ? toEvent(row) : undefined;
  };
  const setCursor = db.prepare('INSERT INTO cursors (name, seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq');
  const insertDelivery = db.prepare('INSERT OR IGNORE INTO deliveries VALUES (?, ?, ?, ?, ?, ?, ?)');
  const deliveryById = db.prepare<[string], { id: string; record: string }>('SELECT id, record FROM deliveries WHERE id = ?');
  const saveDelivery = db.prepare('UPDATE deliveries SET state = ?, next_attempt_at_ms = ?, record = ? WHERE id = ?');
  const subVersion = db.prepare<[string], { version: number }>('SELECT version FROM subscriptions WHERE id = ?');
  const outDelivery = (r: { id: string; record: string }) => parse<DeliveryRecord>('delivery', r.id, r.record);
  const getDelivery = (id: string) => {
    const row = deliveryById.get(id);
    return row ? outDelivery(row) : undefined;
  };
  const store = (d: DeliveryRecord) => saveDelivery.run(d.state, d.nextAttemptAtMs, JSON.stringify(d), d.id);
  const checkVersion = (id: string, expected: number) => {
    const row = subVersion.get(id);
    if (!row) throw new NotFoundError('subscription', id);
    if (row.version !== expected) throw new VersionConflictError('subscription', id, expected, row.version);
  };

  const enqueue = db.transaction((cursor: { name: string; seq: number }, list: readonly NewDelivery[]) => {
    for (const n of list) {
      const d: DeliveryRecord = { ...n, state: 'pending', attempts: 0 };
      insertDelivery.run(d.id, d.subscriptionId, d.eventSeq, d.eventId, d.state, d.nextAttemptAtMs, JSON.stringify(d));
    }
    setCursor.run(cursor.name, cursor.seq);
  });
  const finish = db.transaction((id: string, o: AttemptOutcome) => {
    const d = getDelivery(id);
    if (!d) throw new NotFoundError('delivery', id);
    d.attempts += 1;
    d.state = o.state;
    if (o.state === 'pending') Object.assign(d, { nextAttemptAtMs: o.nextAttemptAtMs, lastError: o.error });
    else Object.assign(d, { finishedAtMs: o.atMs }, o.state === 'dead' ? { lastError: o.error } : {});
    store(d);
  });
  const redeliver = db.transaction((id: string, nowMs: number) => {
    const d = getDelivery(id);
    if (!d || d.state !== 'dead') return undefined;
    const { finishedAtMs: _done, ...rest } = d;
    const back: DeliveryRecord = { ...rest, state: 'pending', attempts: 0, nextAttemptAtMs: nowMs };
    store(back);
    return back;
  });
  const createSub = db.transaction((sub: StoredSubscription, audit: NewStoredEvent) => {
    if (subVersion.get(sub.id)) throw new AlreadyExistsError('subscription', sub.id);
    db.prepare('INSERT INTO subscriptions VALUES (?, ?, ?)').run(sub.id, sub.version, JSON.stringify(sub));
    append(audit);
  });
  const updateSub = db.transaction((sub: StoredSubscription, expected: number, audit: NewStoredEvent) => {
    checkVersion(sub.id, expected);
    db.prepare('UPDATE subscriptions SET version = ?, record = ? WHERE id = ?').run(sub.version, JSON.stringify(sub), sub.id);
    append(audit);
  });
  const deleteSub = db.transaction((id: string, expected: number, audit: NewStoredEvent) => {
    checkVersion(id, expected);
    db.prepare('DELETE FROM subscriptions WHERE id = ?').run(id);
    db.prepare('DELETE FROM deliveries WHERE subscription_id = ?').run(id);
    append(audit);
  });

  return {
    appendEvent: async (e) => guarded(() => append(e)),
    readEvents: async (afterSeq, limit) =>
      guarded(() => db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit).map(toEvent)),
    lastSeq: async () => guarded(() => db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM events').get()?.seq ?? 0),
    cursor: async (name) => guarded(() => db.prepare<[string], { seq: number }>('SELECT seq FROM cursors WHERE name = ?').get(name)?.seq ?? 0),
    enqueue: async (cursor, list) => guarded(() => enqueue.immediate(cursor, list)),
    dueDeliveries: async (nowMs, limit) =>
      guarded(() => {
        // the head of each subscription's queue: its pending delivery with the lowest event position
        const sql = `SELECT d.id, d.record FROM deliveries d
          JOIN (SELECT subscription_id, MIN(event_seq) AS head FROM deliveries WHERE state = 'pending' GROUP BY subscription_id) h
            ON d.subscription_id = h.subscription_id AND d.event_seq = h.head
          WHERE d.state = 'pending' AND d.next_attempt_at_ms <= ? ORDER BY d.next_attempt_at_ms, d.event_seq LIMIT ?`;
        return db.prepare<[number, number], { id: string; record: string }>(sql).all(nowMs, limit).map(outDelivery);
      }),
    finishAttempt: async (id, outcome) => guarded(() => finish.immediate(id, outcome)),
    getDelivery: async (id) => guarded(() => getDelivery(id)),
    listDeliveries: async (q) =>
      guarded(() => {
        const clauses: string[] = [];
        const args: (string | number)[] = [];
        const add = (clause: string, value: string | undefined) => {
          if (value === undefined) return;
          clauses.push(clause);
          args.push(value);
        };
        add('state = ?', q.state);
        add('subscription_id = ?', q.subscriptionId);
        add('id > ?', q.after);
        const sql = `SELECT id, record FROM deliveries ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY id LIMIT ?`;
        return db.prepare<(string | number)[], { id: string; record: string }>(sql).all(...args, q.limit).map(outDelivery);
      }),
    redeliver: async (id, nowMs) => guarded(() => redeliver.immediate(id, nowMs)),
    countDeliveries: async () =>
      guarded(() => {
        const counts: Record<DeliveryState, number> = { pending: 0, delivered: 0, dead: 0 };
        for (const r of db.prepare<[], { state: DeliveryState; n: number }>('SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state').all()) counts[r.state] = r.n;
        return counts;
      }),
    getSubscription: async (id) =>
      guarded(() => {
        const row = db.prepare<[string], { record: string }>('SELECT record FROM subscriptions WHERE id = ?').get(id);
        return row ? parse<StoredSubscription>('subscription', id, row.record) : undefined;
      }),
    listSubscriptions: async () =>
      guarded(() => db.prepare<[], { id: string; record: string }>('SELECT id, record FROM subscriptions ORDER BY id').all().map((r) => parse<StoredSubscription>('subscription', r.id, r.record))),
    createSubscription: async (sub, audit) => guarded(() => createSub.immediate(sub, audit)),
    updateSubscription: async (sub, expected, audit) => guarded(() => updateSub.immediate(sub, expected, audit)),
    deleteSubscription: async (id, expected, audit) => guarded(() => deleteSub.immediate(id, expected, audit)),
    close: async () => void db.close(),
  };
}
