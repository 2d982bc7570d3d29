export * from './scheduling-deps.js';
export { readScheduleEnvironments, toScheduleOverride } from './schedule-environments.js';
export {
  clearScheduleOverride,
  environmentScheduleStatus,
  isScheduleOverrideActive,
  SCHEDULE_ENVIRONMENT,
  setScheduleOverride,
  setScheduleSettings,
  type EnvironmentScheduleStatus,
} from './schedule-settings.js';
export { planScheduleActions, readAccount, type PlannedActions } from './schedule-plan.js';
export { SCHEDULER_ACTOR, type RetryPolicy } from './apply-actions.js';
export { createSchedulerPass, DEFAULT_ACTION_RETENTION_MS, SCHEDULER_LOCK, type SchedulerFailure, type SchedulerOptions, type SchedulerPass, type SchedulerRunResult } from './scheduler-pass.js';
export { scheduleSavings, SAVINGS_MAX_DAYS, type SavingsQuery, type ScheduleSavings } from './savings-report.js';
export {
  evaluateHypotheticalSchedule,
  type EmScheduleDifference,
  type HypotheticalSchedule,
  type ScheduleEvaluation,
  type ScheduleProblem,
} from './evaluate-inputs.js';
export { lintScheduleTags, type ScheduleLintFinding } from './lint-schedules.js';
