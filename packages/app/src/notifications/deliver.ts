import { DELIVERY_ID_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, nextRetry, ownerQueueKind } from '@envmgr/domain';
import type { AttemptOutcome, DeliveryRecord, StoredEvent, StoredSubscription } from '@envmgr/ports';
import type { NotificationDeps } from './notification-deps.js';
import { sendToOwner } from './owner-channels.js';

/** What a webhook receiver gets: the event as stored (docs/notifications.md). */
export function webhookBody(event: StoredEvent): string {
  return JSON.stringify({ id: event.id, type: event.type, at: event.at, actor: event.actor, subject: event.subject, data: event.payload });
}

/** What each delivery pass did, for metrics. */
export interface DeliveryPassResult {
  delivered: number;
  failed: number;
  dead: number;
  /** Ms from each delivered event's time to its delivery. */
  lagsMs: number[];
}

/**
 * Tries every due delivery once: the head of each subscription's queue, all subscriptions at the same time, so a
 * slow receiver delays only its own subscription. Failures are retried with back-off (`nextRetry`), then
 * dead-lettered. A subscription deleted meanwhile takes its deliveries with it.
 */
export async function deliveryPass(deps: NotificationDeps, limit = 100): Promise<DeliveryPassResult> {
  const due = await deps.store.dueDeliveries(deps.clock.now(), limit);
  const result: DeliveryPassResult = { delivered: 0, failed: 0, dead: 0, lagsMs: [] };
  await Promise.all(
    due.map(async (d) => {
      const outcome = await attempt(deps, d);
      if (!outcome) return;
      await deps.store.finishAttempt(d.id, outcome.outcome);
      if (outcome.outcome.state === 'delivered') {
        result.delivered += 1;
        if (outcome.eventAtMs !== undefined) result.lagsMs.push(Math.max(0, outcome.outcome.atMs - outcome.eventAtMs));
      } else if (outcome.outcome.state === 'dead') result.dead += 1;
      else result.failed += 1;
    }),
  );
  return result;
}

async function attempt(deps: NotificationDeps, d: DeliveryRecord): Promise<{ outcome: AttemptOutcome; eventAtMs?: number } | undefined> {
  const sub = await deps.store.getSubscription(d.subscriptionId);
  const isOwner = !sub && ownerQueueKind(d.subscriptionId) !== undefined;
  if (!sub && !isOwner) return undefined;
  const event = (await deps.store.readEvents(d.eventSeq - 1, 1))[0];
  if (!event || event.seq !== d.eventSeq) return { outcome: { state: 'dead', error: 'the event is no longer in the log', atMs: deps.clock.now() } };
  const headers = { [EVENT_ID_HEADER]: event.id, [EVENT_TYPE_HEADER]: event.type, [DELIVERY_ID_HEADER]: d.id };
  const sent = sub ? await send(deps, sub, d, event) : ((await sendToOwner(deps, d, event, webhookBody, headers)) ?? { ok: false as const, error: 'no such endpoint', permanent: true });
  const now = deps.clock.now();
  if (sent.ok) return { outcome: { state: 'delivered', atMs: now }, eventAtMs: Date.parse(event.at) };
  const next = sent.permanent ? 'dead' : nextRetry(d.attempts + 1, deps.retry);
  return { outcome: next === 'dead' ? { state: 'dead', error: sent.error, atMs: now } : { state: 'pending', error: sent.error, nextAttemptAtMs: now + next.retryInMs } };
}

async function send(deps: NotificationDeps, sub: StoredSubscription, d: DeliveryRecord, event: StoredEvent): Promise<{ ok: true } | { ok: false; error: string; permanent?: boolean }> {
  const headers = { [EVENT_ID_HEADER]: event.id, [EVENT_TYPE_HEADER]: event.type, [DELIVERY_ID_HEADER]: d.id };
  if (sub.channel.kind === 'webhook') {
    if (!sub.secret) return { ok: false, error: 'the subscription has no signing secret', permanent: true };
    const r = await deps.webhooks.post({
      url: sub.channel.url, body: webhookBody(event), headers, secret: sub.secret, timestampSeconds: Math.floor(deps.clock.now() / 1000), timeoutMs: deps.webhookTimeoutMs,
    });
    return r.ok ? { ok: true } : { ok: false, error: r.error };
  }
  if (!deps.mailer) return { ok: false, error: 'no mail server is configured (ENVMGR_SMTP_HOST)', permanent: true };
  const r = await deps.mailer.send({ from: deps.mailFrom, to: d.recipients ?? [], subject: mailSubject(event), text: mailText(event), headers });
  return r.ok ? { ok: true } : { ok: false, error: r.error };
}

export function mailSubject(e: StoredEvent): string {
  const about = ['environment', 'service'].map((k) => e.subject[k]).filter((v) => v !== undefined);
  const version = typeof e.payload['version'] === 'string' ? [e.payload['version']] : [];
  return `[Environment Manager] ${e.type}${about.length ? `: ${[...about, ...version].join(' ')}` : ''}`;
}

function mailText(e: StoredEvent): string {
  const lines = [`${e.type} at ${e.at} by ${e.actor}`, ...Object.entries(e.subject).map(([k, v]) => `${k}: ${v}`)];
  if (typeof e.payload['reason'] === 'string') lines.push(`reason: ${e.payload['reason']}`);
  return `${lines.join('\n')}\n\nevent id ${e.id}\n\n${JSON.stringify(e.payload, null, 2)}\n`;
}
