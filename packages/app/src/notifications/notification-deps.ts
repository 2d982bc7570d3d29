import type { RetryPolicy } from '@envmgr/domain';
import type { Clock, ConfigStore, IdSource, Mailer, NotificationStore, WebhookSender } from '@envmgr/ports';

/** What the notification use cases and jobs work with. */
export interface NotificationDeps {
  store: NotificationStore;
  /** Configuration: environments, clusters and notification settings, for filters and owners (SPEC §3). */
  config: ConfigStore;
  clock: Clock;
  ids: IdSource;
  /** Signing secrets of new webhook subscriptions (32 random bytes or more). */
  secrets: IdSource;
  webhooks: WebhookSender;
  /** Without a mailer, email subscriptions are dead-lettered with the reason (no SMTP server configured). */
  mailer?: Mailer | undefined;
  /** The sender address of notification emails. */
  mailFrom: string;
  retry: RetryPolicy;
  /** How long a receiver may take to answer one webhook. */
  webhookTimeoutMs: number;
}

/** The name of the fan-out's cursor in the event log. */
export const FANOUT_CURSOR = 'fanout';
