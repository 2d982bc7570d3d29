export * from './operations-deps.js';
export * from './group-rules.js';
export * from './groups.js';
export * from './instances.js';
