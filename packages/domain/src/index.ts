export * from './errors.js';
export * from './json.js';
export * from './actor.js';
export * from './config/config-item.js';
export * from './config/entities.js';
export * from './config/checks.js';
export * from './audit/audit-record.js';
export * from './config/commit-plan.js';
