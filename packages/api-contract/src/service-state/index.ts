export * from './service-state-schemas.js';
export { createServiceStateApi, type ServiceStateApi, type SliceName } from './service-state-client.js';
