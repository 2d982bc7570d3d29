export * from './config-builders.js';
export * from './fixed.js';
