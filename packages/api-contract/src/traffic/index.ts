export * from './traffic-schemas.js';
export { createTrafficApi, type TrafficApi } from './traffic-client.js';
