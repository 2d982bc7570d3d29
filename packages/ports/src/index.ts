export * from './config/config-store.js';
export * from './runtime/clock.js';
