import type { FieldProblem } from '../errors.js';
import { checkWebhookUrl } from './webhook-url.js';

/** Where a subscription's events go. */
export type SubscriptionChannel =
  | { kind: 'webhook'; url: string }
  /** `to` absent: the owners of the event's environment by its AlertSettings and notification settings (SPEC §3). */
  | { kind: 'email'; to?: string[] | undefined };

/** Who wants which events, and how. Filters are ANDed; an empty or absent filter matches everything. */
export interface Subscription {
  id: string;
  name: string;
  /** Event types, exact (`deployment.failed`), a family (`deployment.*`) or `*`. */
  eventTypes: string[];
  environments?: string[] | undefined;
  clusters?: string[] | undefined;
  channel: SubscriptionChannel;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  version: number;
}

/** The part of an event a subscription filters on. */
export interface RoutableEvent {
  type: string;
  subject: Record<string, string>;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** True when the subscription wants the event. Names compare case-insensitively (SPEC §9). */
export function subscriptionMatches(sub: Pick<Subscription, 'eventTypes' | 'environments' | 'clusters' | 'enabled'>, event: RoutableEvent): boolean {
  if (!sub.enabled) return false;
  if (!sub.eventTypes.some((t) => eventTypeMatches(t, event.type))) return false;
  if (sub.environments?.length && !sub.environments.some((e) => event.subject['environment'] !== undefined && same(e, event.subject['environment']))) return false;
  if (sub.clusters?.length && !sub.clusters.some((c) => event.subject['cluster'] !== undefined && same(c, event.subject['cluster']))) return false;
  return true;
}

/** `*` is every event but the subscriptions' own audit events (`subscription.*`), which are asked for by name. */
export function eventTypeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return !type.startsWith('subscription.');
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

const EVENT_TYPE_PATTERN = /^(\*|[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*(\.\*)?)$/;
const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;

/** Problems with a subscription's own fields (the schema has checked their types), by field path. */
export function subscriptionProblems(sub: Pick<Subscription, 'eventTypes' | 'channel'>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (sub.eventTypes.length === 0) problems.push({ path: 'eventTypes', message: 'needs at least one event type, e.g. deployment.failed or deployment.*' });
  sub.eventTypes.forEach((t, i) => {
    if (!EVENT_TYPE_PATTERN.test(t)) problems.push({ path: `eventTypes.${i}`, message: `'${t}' is not an event type, a family like deployment.* or *` });
  });
  if (sub.channel.kind === 'webhook') {
    const check = checkWebhookUrl(sub.channel.url);
    if (!check.ok) problems.push({ path: 'channel.url', message: check.reason });
  } else {
    (sub.channel.to ?? []).forEach((to, i) => {
      if (!EMAIL.test(to)) problems.push({ path: `channel.to.${i}`, message: `'${to}' is not an email address` });
    });
  }
  return problems;
}
