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
export { createScheduleMemo, scheduleExpectation, type ScheduleExpectation, type ScheduleMemo } from './decide.js';
export { tagValue } from './schedule-source.js';
export { explainSchedule, invalidReason, type ScheduleExplanation } from './explain.js';
export {
  asOverridden,
  decideWithOverride,
  describeOverride,
  isOverrideActive,
  overrideApplies,
  overrideScheduleText,
  withOverride,
  type OverridableDecision,
  type PlannedScheduleSource,
  type ScheduleOverride,
} from './override.js';
export {
  decideGroup,
  isScheduledAsWhole,
  SAVED_SIZE_TAGS,
  savedSizeOf,
  SCALE_TO_ZERO,
  SCHEDULE_MODE_TAG,
  tagsWithoutSavedSize,
  tagsWithSavedSize,
  type GroupDecisionInput,
  type GroupScheduleAction,
  type GroupScheduleDecision,
  type GroupSkipCode,
  type ScheduleGroupSize,
  type ScheduleScalableGroup,
} from './group-decision.js';
export {
  planSchedule,
  type PlanAccount,
  type PlanEnvironment,
  type PlanGroup,
  type PlanInstance,
  type PlannedGroup,
  type PlannedInstance,
  type PlannedInstanceDecision,
  type PlannedScaling,
  type SchedulePlan,
} from './plan-schedule.js';
export {
  dueScalingAction,
  MAX_SCALING_ACTIONS,
  parseScalingActionTag,
  SCALING_ACTION_TAG_PREFIX,
  SCALING_APPLIED_TAG,
  scalingActionsOf,
  scalingActionsProblems,
  scalingActionTagValue,
  scalingAppliedAt,
  tagsWithoutScalingSchedule,
  tagsWithScalingSchedule,
  type DueScaling,
  type ScalingAction,
} from './scaling-schedule.js';
export {
  computeSavings,
  SAVING_ENDS,
  SAVING_STARTS,
  type SavingsEvent,
  type SavingsLine,
  type SavingsReport,
  type ScheduleActionKind,
} from './savings.js';
export {
  clearScheduleOverrideValue,
  SCHEDULE_OVERRIDE_MAX_MS,
  scheduleOverrideProblems,
  scheduleOverrideValue,
  scheduleSettingsProblems,
  scheduleSettingsValue,
  type ScheduleSettingsChange,
} from './schedule-settings.js';
