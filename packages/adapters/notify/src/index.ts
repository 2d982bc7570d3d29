export { createHttpWebhookSender, signWebhook } from './webhook-sender.js';
export { createSmtpMailer, type SmtpOptions } from './smtp-mailer.js';
export { createSnsClient, createSnsTopicPublisher } from './sns-topic-publisher.js';
