export * from './subscription-schemas.js';
export * from './subscriptions-client.js';
