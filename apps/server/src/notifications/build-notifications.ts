import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createSqliteNotificationStore } from '@envmgr/adapter-config-sqlite';
import { createHttpWebhookSender, createSmtpMailer, createSnsClient, createSnsTopicPublisher } from '@envmgr/adapter-notify';
import type { NotificationDeps } from '@envmgr/app';
import { createMemoryNotificationStore, type Clock, type ConfigStore } from '@envmgr/ports';
import type { ServerConfig } from '../config.js';

/** The notifications' adapters, chosen by the configuration (docs/notifications.md). */
export function buildNotificationDeps(config: ServerConfig, shared: { store: ConfigStore; clock: Clock }): NotificationDeps {
  return {
    store: config.store === 'memory' ? createMemoryNotificationStore() : createSqliteNotificationStore({ path: join(config.dataDir, 'notifications.db') }),
    config: shared.store,
    clock: shared.clock,
    ids: { next: () => randomUUID() },
    secrets: { next: () => `whsec_${randomBytes(32).toString('base64url')}` },
    webhooks: createHttpWebhookSender(),
    mailer: config.smtpHost
      ? createSmtpMailer({ host: config.smtpHost, port: config.smtpPort, secure: config.smtpSecure, user: config.smtpUser, password: config.smtpPassword })
      : undefined,
    mailFrom: config.mailFrom,
    retry: { baseMs: config.notifyRetryBaseMs, maxDelayMs: config.notifyRetryMaxDelayMs, maxAttempts: config.notifyMaxAttempts },
    webhookTimeoutMs: config.webhookTimeoutMs,
    ownerWebhookSecret: config.ownerWebhookSecret,
    topics: config.snsTopicArnPrefix ? createSnsTopicPublisher({ client: snsClient(config), topicArnPrefix: config.snsTopicArnPrefix }) : undefined,
  };
}

/** The SNS client of EM's topics, in the region of their ARN prefix; the SDK finds credentials as usual. */
function snsClient(config: ServerConfig) {
  return createSnsClient({ region: config.snsTopicArnPrefix?.split(':')[3] ?? config.awsRegion ?? '', endpoint: config.snsEndpoint });
}
