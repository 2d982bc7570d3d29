export * from './schedule-schemas.js';
export { createScheduleApi, type ScheduleApi } from './schedule-client.js';
