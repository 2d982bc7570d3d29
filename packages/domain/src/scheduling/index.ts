export type {
  CronMatch,
  CronSchedule,
  ParseScheduleResult,
  Schedule,
  ScheduleAction,
  ScheduleErrorCode,
  ScheduleItem,
  ScheduleParseError,
} from './schedule.js';
export { CRON_FIELD_RANGES, type CronFieldName } from './cron-field.js';
export { parseSchedule } from './parse-schedule.js';
export { lintEmSchedule, type EmDifference, type EmDifferenceCode, type EmScheduleLint } from './lint-em.js';
export { evaluateSchedule, type ScheduleOccurrence } from './evaluate.js';
export {
  canonicalZone,
  isSupportedScheduleInstant,
  MAX_SCHEDULE_INSTANT_MS,
  MIN_SCHEDULE_INSTANT_MS,
} from './zone-time.js';
export {
  isInMaintenanceByTag,
  resolveSchedule,
  type ResolvedSchedule,
  type ScheduleDecisionInput,
  type ScheduleEnvironment,
  type ScheduleEnvironmentSettings,
  type ScheduleGroup,
  type ScheduleInstance,
  type ScheduleInstanceState,
  type ScheduleLifecycleState,
  type ScheduleLookup,
  type ScheduleSource,
} from './schedule-source.js';
export {
  decide,
  scheduleStatus,
  type ScheduleDecision,
  type ScheduleDecisionAction,
  type ScheduleSkipCode,
  type ScheduleStatus,
} from './decide.js';
