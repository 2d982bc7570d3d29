export * from './notification-deps.js';
export { recordEvent, appendDraft } from './record-events.js';
export { recordConfigChanges, recordScheduleActions, publishToTopics } from './event-feeds.js';
export { ownersOf } from './owners.js';
export { fanOutPass, deliveryId } from './fan-out.js';
export { deliveryPass, webhookBody, mailSubject, type DeliveryPassResult } from './deliver.js';
export * from './subscriptions.js';
