import type { RetryPolicy } from '@envmgr/domain';
import type { Clock, ConfigStore, IdSource, Mailer, NotificationStore, ScheduleActionLog, TopicPublisher, WebhookSender } from '@envmgr/ports';

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
  /**
   * Signs what goes to the owners' paging and ticketing endpoints of notification settings (and chat, when set);
   * without it those two are dead-lettered with the reason. Subscriptions have their own secrets.
   */
  ownerWebhookSecret?: string | undefined;
  /** The scheduler's action log, read for `schedule.action` events; without it there are none. */
  scheduleActions?: ScheduleActionLog | undefined;
  /** EM's SNS topics (AWS mode); without it nothing is published to topics. */
  topics?: TopicPublisher | undefined;
}

/** The name of the fan-out's cursor in the event log. */
export const FANOUT_CURSOR = 'fanout';
/** The next config audit position to read, plus one (0: never read; the feed then starts at the chain's head). */
export const CONFIG_AUDIT_CURSOR = 'config-audit';
/** The time (ms) of the last scheduler action read (0: never read; the feed then starts now). */
export const SCHEDULE_ACTIONS_CURSOR = 'schedule-actions';
/** The last event published to the SNS topics. */
export const TOPICS_CURSOR = 'sns';
