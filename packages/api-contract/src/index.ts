export * from './common/problem.js';
export * from './common/paging.js';
export * from './config/entity-types.js';
export * from './config/entity-schemas.js';
export * from './config/export-import.js';
export * from './audit/audit-record.js';
export * from './config/legacy-import.js';
export * from './client/index.js';
