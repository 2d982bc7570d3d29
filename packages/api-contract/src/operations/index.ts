export * from './group-schemas.js';
export * from './instance-schemas.js';
