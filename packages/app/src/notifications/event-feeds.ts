import { auditRecordEvents, scheduleActionEvent, snsTopicOf } from '@envmgr/domain';
import { CONFIG_AUDIT_CURSOR, SCHEDULE_ACTIONS_CURSOR, TOPICS_CURSOR, type NotificationDeps } from './notification-deps.js';
import { appendDraft } from './record-events.js';

type FeedDeps = Pick<NotificationDeps, 'store' | 'config' | 'clock' | 'ids'>;

const setCursor = (deps: FeedDeps, name: string, seq: number) => deps.store.enqueue({ name, seq }, []);

/**
 * Turns the configuration audit chain into events (`config.changed`, environment lock and maintenance), from a
 * cursor kept in the event log's store: after a crash the same records are read again and make events with the
 * same ids, which the log stores once. The first run starts at the chain's head: history is not replayed.
 * Returns the audit records read.
 */
export async function recordConfigChanges(deps: FeedDeps, batch = 200): Promise<number> {
  let next = await deps.store.cursor(CONFIG_AUDIT_CURSOR);
  if (next === 0) {
    const head = (await deps.config.queryAudit({ limit: 1 }))[0]?.seq ?? 0;
    next = head + 1;
    await setCursor(deps, CONFIG_AUDIT_CURSOR, next);
  }
  const records = await deps.config.auditChain(next - 1, batch);
  for (const r of records) for (const draft of auditRecordEvents(r)) await appendDraft(deps, draft, r.at);
  const last = records.at(-1);
  if (last) await setCursor(deps, CONFIG_AUDIT_CURSOR, last.seq + 1);
  return records.length;
}

/**
 * Turns the scheduler's action log into `schedule.action` events, from the time of the last one read (records of
 * that same millisecond are read again and stored once, by id). The first run starts now. Returns the records read.
 */
export async function recordScheduleActions(deps: FeedDeps & Pick<NotificationDeps, 'scheduleActions'>, batch = 500): Promise<number> {
  const log = deps.scheduleActions;
  if (!log) return 0;
  let since = await deps.store.cursor(SCHEDULE_ACTIONS_CURSOR);
  if (since === 0) {
    since = deps.clock.now();
    await setCursor(deps, SCHEDULE_ACTIONS_CURSOR, since);
  }
  const records = await log.list({ sinceMs: since, limit: batch });
  let stored = 0;
  for (const r of records) if (await appendDraft(deps, scheduleActionEvent(r), new Date(r.atMs).toISOString())) stored += 1;
  const last = records.at(-1);
  if (last && last.atMs > since) await setCursor(deps, SCHEDULE_ACTIONS_CURSOR, last.atMs);
  return stored;
}

/**
 * Publishes the events after the topics' cursor to EM's SNS topics (`snsTopicOf`), in log order; the cursor moves
 * past each one published, and a failure stops the pass (tried again on the next): at least once, in order.
 * Returns how many were published, and the failure if one stopped the pass.
 */
export async function publishToTopics(deps: Pick<NotificationDeps, 'store' | 'topics'>, batch = 100): Promise<{ published: number; error?: string }> {
  const topics = deps.topics;
  if (!topics) return { published: 0 };
  const events = await deps.store.readEvents(await deps.store.cursor(TOPICS_CURSOR), batch);
  let published = 0;
  for (const e of events) {
    const topic = snsTopicOf(e.type);
    if (topic) {
      const body = JSON.stringify({ id: e.id, type: e.type, at: e.at, actor: e.actor, subject: e.subject, data: e.payload });
      const about = [e.subject['environment'], e.subject['service']].filter((v) => v !== undefined).join(' ');
      const r = await topics.publish({ topic, subject: `${e.type}${about ? `: ${about}` : ''}`.slice(0, 100), body, attributes: { eventType: e.type, eventId: e.id } });
      if (!r.ok) return { published, error: r.error };
      published += 1;
    }
    await deps.store.enqueue({ name: TOPICS_CURSOR, seq: e.seq }, []);
  }
  return { published };
}
