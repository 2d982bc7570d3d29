export * from './context.js';
export * from './config/write-items.js';
export * from './config/read-items.js';
export * from './config/export-config.js';
export * from './config/import-config.js';
export * from './audit/audit.js';
export * from './identity/index.js';
export * from './packages/index.js';
