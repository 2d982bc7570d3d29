import { parseReply, type Send } from '../client/transport.js';
import {
  SavingsSchema,
  ScheduleActionListSchema,
  ScheduleEvaluationSchema,
  ScheduleLintSchema,
  ScheduleOverrideStateSchema,
  ScheduleSettingsSchema,
  ScheduleStatusSchema,
  type SavingsDto,
  type ScheduleActionDto,
  type ScheduleEvaluateRequest,
  type ScheduleEvaluationDto,
  type ScheduleLintFindingDto,
  type ScheduleOverrideRequest,
  type ScheduleOverrideStateDto,
  type ScheduleSettingsDto,
  type ScheduleSettingsRequest,
  type ScheduleStatusDto,
} from './schedule-schemas.js';

/**
 * Scheduling (SPEC §8): settings, status, overrides, the runner's actions, what-if and savings. Failures are
 * ApiErrors: `not-found` (404) for an unknown environment or account, `validation-failed` (400) naming the field
 * and the fix, `permission-denied` or `protected-action` (403) for changes.
 */
export interface ScheduleApi {
  /** The environment's schedule settings and its last override. */
  schedule(environment: string): Promise<ScheduleSettingsDto>;
  /** Changes the settings; omitted fields keep their value, `defaultSchedule: null` removes it. */
  setSchedule(environment: string, change: ScheduleSettingsRequest): Promise<ScheduleSettingsDto>;
  /** What the environment's own schedule says now, or at `at` (ISO 8601). */
  scheduleStatus(environment: string, at?: string): Promise<ScheduleStatusDto>;
  /** Keeps the environment on (or off) until `until`, after which it follows its schedule again by itself. */
  overrideSchedule(environment: string, override: ScheduleOverrideRequest): Promise<ScheduleOverrideStateDto>;
  /** Ends an override early. */
  clearScheduleOverride(environment: string): Promise<ScheduleOverrideStateDto>;
  /** What the scheduler would do to every instance now (or at `at`), in EM's runner shape. */
  scheduleActions(q?: { at?: string | undefined; environment?: string | undefined; account?: string | undefined }): Promise<ScheduleActionDto[]>;
  /** Decides for a hypothetical instance; writes nothing. */
  evaluateSchedule(input: ScheduleEvaluateRequest): Promise<ScheduleEvaluationDto>;
  /** Schedules in use (tags, default schedules) that trainline's EM reads differently from EM. */
  lintSchedules(q?: { environment?: string | undefined }): Promise<ScheduleLintFindingDto[]>;
  /** Instance-hours saved against always-on over a period. */
  savings(q?: { environment?: string | undefined; cluster?: string | undefined; since?: string | undefined; until?: string | undefined }): Promise<SavingsDto>;
}

export function createScheduleApi(send: Send): ScheduleApi {
  const at = (environment: string, what: string) => `environments/${encodeURIComponent(environment)}/${what}`;
  return {
    async schedule(environment) {
      return parseReply(await send({ method: 'GET', path: at(environment, 'schedule') }), ScheduleSettingsSchema);
    },
    async setSchedule(environment, change) {
      return parseReply(await send({ method: 'PUT', path: at(environment, 'schedule'), body: change }), ScheduleSettingsSchema);
    },
    async scheduleStatus(environment, when) {
      return parseReply(await send({ method: 'GET', path: at(environment, 'schedule-status'), query: { at: when } }), ScheduleStatusSchema);
    },
    async overrideSchedule(environment, override) {
      return parseReply(await send({ method: 'POST', path: at(environment, 'schedule-override'), body: override }), ScheduleOverrideStateSchema);
    },
    async clearScheduleOverride(environment) {
      return parseReply(await send({ method: 'DELETE', path: at(environment, 'schedule-override') }), ScheduleOverrideStateSchema);
    },
    async scheduleActions(q = {}) {
      return parseReply(await send({ method: 'GET', path: 'instances/schedule-actions', query: q }), ScheduleActionListSchema);
    },
    async evaluateSchedule(input) {
      return parseReply(await send({ method: 'POST', path: 'schedule/evaluate', body: input }), ScheduleEvaluationSchema);
    },
    async lintSchedules(q = {}) {
      return parseReply(await send({ method: 'GET', path: 'schedule/lint', query: q }), ScheduleLintSchema);
    },
    async savings(q = {}) {
      return parseReply(await send({ method: 'GET', path: 'schedule/savings', query: q }), SavingsSchema);
    },
  };
}
