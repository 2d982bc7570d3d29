export * from './config-builders.js';
export * from './fixed.js';
export * from './loopback-process.js';
