import { EVENT_TYPES, type SubscriptionDto, type SubscriptionRequest } from '@envmgr/api-contract';

/** What the event types field suggests: `*`, each family (`deployment.*`) and each type. */
export const EVENT_TYPE_SUGGESTIONS: readonly string[] = [
  '*',
  ...new Set(EVENT_TYPES.map((t) => `${t.slice(0, t.indexOf('.'))}.*`)),
  ...EVENT_TYPES,
];

export interface SubscriptionForm {
  name: string;
  eventTypes: string;
  environments: string;
  clusters: string;
  kind: 'webhook' | 'email';
  url: string;
  to: string;
}

export const EMPTY_FORM: SubscriptionForm = { name: '', eventTypes: '', environments: '', clusters: '', kind: 'webhook', url: '', to: '' };

const split = (text: string, separators: RegExp) =>
  text
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);

/** The request the form describes; empty filters and an empty recipient list are left out (all, and the owners). */
export function requestOf(form: SubscriptionForm): SubscriptionRequest {
  const environments = split(form.environments, /,/);
  const clusters = split(form.clusters, /,/);
  const to = split(form.to, /[\s,;]+/);
  return {
    name: form.name.trim(),
    eventTypes: split(form.eventTypes, /[\s,]+/),
    ...(environments.length ? { environments } : {}),
    ...(clusters.length ? { clusters } : {}),
    channel: form.kind === 'webhook' ? { kind: 'webhook', url: form.url.trim() } : { kind: 'email', ...(to.length ? { to } : {}) },
  };
}

/** The PUT body that keeps everything of `sub` but `enabled` (the request schema is strict: no id or version). */
export function withEnabled(sub: SubscriptionDto, enabled: boolean): SubscriptionRequest {
  return {
    name: sub.name,
    eventTypes: sub.eventTypes,
    ...(sub.environments ? { environments: sub.environments } : {}),
    ...(sub.clusters ? { clusters: sub.clusters } : {}),
    channel: sub.channel,
    enabled,
  };
}

/** A filter list for the table: "all" when it is absent or empty, as the server reads it. */
export function filterText(names: string[] | undefined): string {
  return names?.length ? names.join(', ') : 'all';
}
