export * from './config/config-store.js';
export * from './runtime/clock.js';
export * from './identity/credential-store.js';
