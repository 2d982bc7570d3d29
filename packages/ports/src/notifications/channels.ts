/** A webhook to post: the body is signed by the sender with the subscription's secret (docs/notifications.md). */
export interface WebhookPost {
  url: string;
  /** The exact bytes sent and signed. */
  body: string;
  /** Extra headers (event id and type, delivery id). */
  headers: Record<string, string>;
  secret: string;
  /** The signed timestamp, seconds since the epoch. */
  timestampSeconds: number;
  timeoutMs: number;
}

/** How a try went. `status` is the receiver's HTTP status when it answered; 2xx is success. */
export type WebhookResult = { ok: true; status: number } | { ok: false; status?: number | undefined; error: string };

/** Posts signed webhooks. Never throws for a receiver's failure: it returns it, so the caller can retry. */
export interface WebhookSender {
  post(request: WebhookPost): Promise<WebhookResult>;
}

export interface MailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** Extra headers, e.g. `X-EM-Event-Id` for receivers that drop repeats. */
  headers?: Record<string, string>;
}

/** Sends email. Returns the failure (with a reason, never credentials) instead of throwing, like `WebhookSender`. */
export interface Mailer {
  send(message: MailMessage): Promise<{ ok: true } | { ok: false; error: string }>;
  /** Checks the mail server answers (the health check); resolves with false when it does not. */
  verify(): Promise<boolean>;
  close(): Promise<void>;
}

/** A message to one of EM's topics (SNS in AWS mode): the event as JSON, with its type and id as attributes. */
export interface TopicMessage {
  /** The topic's name (`DeploymentComplete`, …); the adapter knows where it lives. */
  topic: string;
  /** Short, for email subscribers of the topic (SNS limits it to 100 characters). */
  subject: string;
  body: string;
  attributes: Record<string, string>;
}

/** Publishes to topics. Like `WebhookSender`, returns a failure (with a short reason) instead of throwing. */
export interface TopicPublisher {
  publish(message: TopicMessage): Promise<{ ok: true } | { ok: false; error: string }>;
}
