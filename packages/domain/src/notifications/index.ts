export * from './webhook-url.js';
export * from './signature.js';
export * from './retry-schedule.js';
export * from './subscription.js';
export * from './ownership.js';
export * from './domain-event.js';
export * from './feed-events.js';
export * from './owner-channels.js';
