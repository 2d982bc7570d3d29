import { z } from 'zod';
import { bool, closed, environmentName, name, oneOf, str } from '../config/entities/fields.js';
import { isoDateTime, opsReason } from '../config/entities/environment-ops.js';
import { INSTANCE_STATES, LIFECYCLE_STATES } from '../operations/group-schemas.js';

/*
 * Scheduling (SPEC §8): schedule settings, status, overrides, the runner's actions, what-if and savings. Resources
 * EM did not have are camelCase; the status keeps EM's `Status` and the runner's actions keep EM's shape.
 */

/** A schedule text in SPEC §8's grammar, checked by the server (which names the offset and the fix). */
const scheduleText = () =>
  str('must be a schedule of 1-1024 characters, e.g. "start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London", 247, ON, OFF or NOSCHEDULE', { min: 1, max: 1024 });

export const SCHEDULE_STATUSES = ['ON', 'OFF', 'NOT FOUND', 'NO SCHEDULE', 'INVALID SCHEDULE'] as const;
export const SCHEDULE_SOURCES = ['instance', 'asg', 'environment', 'override'] as const;
export const SCHEDULE_ACTIONS = ['switchOn', 'switchOff', 'putInService', 'putOutOfService', 'skip'] as const;

/** `?at=`: the instant to ask about. */
export const AtQuerySchema = z.object({
  at: isoDateTime().optional().meta({ description: 'the instant to ask about (ISO 8601); default now', example: '2026-11-23T18:00:00Z' }),
});

/** `GET /environments/{name}/schedule-status`. */
export const ScheduleStatusSchema = z
  .object({
    Status: z.enum(SCHEDULE_STATUSES).meta({ description: "EM's answer: what the environment's own schedule says at `at`" }),
    environment: z.string(),
    at: z.string().meta({ format: 'date-time' }),
    source: z.enum(['environment', 'override']).meta({ description: 'the environment settings, or its active override' }),
    schedule: z.string().meta({ description: 'the schedule that applies: DefaultSchedule, ON/OFF from the flags, or the override' }),
    reason: z.string().meta({ description: 'the deciding item and when it occurred, or why the schedule says nothing' }),
  })
  .meta({ id: 'ScheduleStatus' });
export type ScheduleStatusDto = z.infer<typeof ScheduleStatusSchema>;

/** An environment's override, with whether it still counts. */
export const ScheduleOverrideSchema = z
  .object({
    state: z.enum(['on', 'off']),
    until: z.string().meta({ format: 'date-time' }),
    setBy: z.string(),
    setAt: z.string().meta({ format: 'date-time' }),
    reason: z.string().optional(),
    active: z.boolean().meta({ description: 'false once `until` has passed: the environment follows its schedule again' }),
  })
  .meta({ id: 'ScheduleOverride' });
export type ScheduleOverrideDto = z.infer<typeof ScheduleOverrideSchema>;

/** `GET|PUT /environments/{name}/schedule`. */
export const ScheduleSettingsSchema = z
  .object({
    environment: z.string(),
    manualScheduleUp: z.boolean().meta({ description: 'keep the environment on (SPEC §8: wins over ScheduleAutomatically)' }),
    scheduleAutomatically: z.boolean().meta({ description: 'follow defaultSchedule' }),
    defaultSchedule: z.string().optional(),
    override: ScheduleOverrideSchema.optional().meta({ description: 'the last override, while it is stored' }),
    version: z.number().int().optional().meta({ description: 'the version of the ops record (/config/environment-ops/{name})' }),
  })
  .meta({ id: 'ScheduleSettings' });
export type ScheduleSettingsDto = z.infer<typeof ScheduleSettingsSchema>;

export const ScheduleSettingsRequestSchema = closed({
  manualScheduleUp: bool().optional(),
  scheduleAutomatically: bool().optional(),
  defaultSchedule: scheduleText().nullable().optional().meta({ description: 'null removes it' }),
}).meta({ id: 'ScheduleSettingsRequest', description: 'omitted fields keep their value; give at least one' });
export type ScheduleSettingsRequest = z.infer<typeof ScheduleSettingsRequestSchema>;

/** `POST /environments/{name}/schedule-override`. */
export const ScheduleOverrideRequestSchema = closed({
  state: oneOf(['on', 'off'] as const).meta({ description: 'keep the environment on, or off' }),
  until: isoDateTime().meta({ description: 'when the override ends by itself: in the future, at most 31 days ahead', example: '2026-11-23T22:00:00Z' }),
  reason: opsReason().optional(),
}).meta({ id: 'ScheduleOverrideRequest' });
export type ScheduleOverrideRequest = z.infer<typeof ScheduleOverrideRequestSchema>;

/** `GET /environments/{name}/schedule-override`. */
export const ScheduleOverrideStateSchema = z
  .object({ environment: z.string(), override: ScheduleOverrideSchema.optional() })
  .meta({ id: 'ScheduleOverrideState' });
export type ScheduleOverrideStateDto = z.infer<typeof ScheduleOverrideStateSchema>;

/** `GET /instances/schedule-actions`. */
export const ScheduleActionsQuerySchema = AtQuerySchema.extend({
  environment: environmentName().optional().meta({ description: 'only instances tagged with this environment' }),
  account: name().optional().meta({ description: 'only this account (`local` in the embedded mode)' }),
});

const ActionSchema = z.object({
  action: z.enum(SCHEDULE_ACTIONS),
  reason: z.string(),
  source: z.enum(SCHEDULE_SOURCES).optional(),
  schedule: z.string().optional().meta({ description: 'ours: the deciding schedule' }),
  skipCode: z.string().optional().meta({ description: 'ours: why it is skipped, stable (docs/scheduling.md)' }),
});

/** One entry of the runner's list, in EM's shape (`{action, instance}`), plus ours. */
export const ScheduleActionSchema = z
  .object({
    action: ActionSchema,
    instance: z.object({
      id: z.string(),
      name: z.string(),
      role: z.string().optional(),
      environment: z.string(),
      environmentType: z.string().optional(),
      cluster: z.string().optional(),
      account: z.string(),
      asg: z.string().optional().meta({ description: 'the group, when the instance is a member' }),
      state: z.enum(INSTANCE_STATES).optional(),
      lifecycleState: z.enum(LIFECYCLE_STATES).optional(),
    }),
  })
  .meta({ id: 'ScheduleAction' });
export type ScheduleActionDto = z.infer<typeof ScheduleActionSchema>;
export const ScheduleActionListSchema = z.array(ScheduleActionSchema);

/** `POST /schedule/evaluate`: an instance, its group and its environment as they might be. */
export const ScheduleEvaluateRequestSchema = closed({
  at: isoDateTime().optional().meta({ description: 'default now' }),
  instance: closed({
    schedule: z.string().max(1024).optional().meta({ description: 'its `Schedule` tag' }),
    state: z.enum(INSTANCE_STATES).optional().meta({ description: 'default running' }),
    maintenance: bool().optional().meta({ description: 'tagged Maintenance=true' }),
  }).optional(),
  group: closed({
    schedule: z.string().max(1024).optional().meta({ description: "the group's `Schedule` tag" }),
    lifecycleState: z.enum(LIFECYCLE_STATES).optional().meta({ description: 'default InService' }),
  }).optional().meta({ description: 'present when the instance is a member of a group' }),
  environment: closed({
    name: environmentName().optional().meta({ description: "start from this environment's stored settings; the fields below replace them" }),
    manualScheduleUp: bool().optional(),
    scheduleAutomatically: bool().optional(),
    defaultSchedule: z.string().max(1024).optional(),
    inMaintenance: bool().optional(),
    override: closed({ state: oneOf(['on', 'off'] as const), until: isoDateTime() }).optional(),
  }).optional().meta({ description: 'default: an environment without schedule settings (both flags false: OFF)' }),
}).meta({ id: 'ScheduleEvaluateRequest' });
export type ScheduleEvaluateRequest = z.infer<typeof ScheduleEvaluateRequestSchema>;

export const ScheduleEvaluationSchema = z
  .object({
    at: z.string().meta({ format: 'date-time' }),
    decision: ActionSchema,
    status: z.enum(SCHEDULE_STATUSES).meta({ description: 'what the schedule that applies says' }),
    problems: z.array(
      z.object({
        path: z.string(), code: z.string(), message: z.string(), fix: z.string(), offset: z.number().int(), length: z.number().int(),
        item: z.number().int().optional(), field: z.string().optional(),
      }),
    ).meta({ description: 'schedules given that cannot be read, where and how to fix them' }),
    emDifferences: z.array(
      z.object({ path: z.string(), code: z.string(), message: z.string(), offset: z.number().int(), length: z.number().int(), item: z.number().int().optional() }),
    ).meta({ description: "where trainline's EM would read a schedule given differently" }),
  })
  .meta({ id: 'ScheduleEvaluation' });
export type ScheduleEvaluationDto = z.infer<typeof ScheduleEvaluationSchema>;

/** `GET /schedule/savings`. */
export const SavingsQuerySchema = z.object({
  environment: environmentName().optional(),
  cluster: name().optional().meta({ description: "the environment's owning cluster" }),
  since: isoDateTime().optional().meta({ description: 'inclusive; default 7 days before until' }),
  until: isoDateTime().optional().meta({ description: 'exclusive; default now (a later time counts as now)' }),
});

export const SavingsSchema = z
  .object({
    since: z.string().meta({ format: 'date-time' }),
    until: z.string().meta({ format: 'date-time' }),
    environment: z.string().optional(),
    cluster: z.string().optional(),
    instanceHoursSaved: z.number().meta({ description: 'instance-hours switched off by the scheduler against always-on, to 2 decimals' }),
    actions: z.number().int().meta({ description: 'successful scheduler actions in the period' }),
    environments: z.array(
      z.object({
        environment: z.string(),
        cluster: z.string().optional(),
        instanceHoursSaved: z.number(),
        subjects: z.number().int().meta({ description: 'instances and whole groups switched off for some of the period' }),
      }),
    ),
  })
  .meta({ id: 'Savings' });
export type SavingsDto = z.infer<typeof SavingsSchema>;

/** `GET /schedule/lint`: schedules in use that trainline's EM reads differently. */
export const ScheduleLintQuerySchema = z.object({ environment: environmentName().optional() });

export const ScheduleLintFindingSchema = z
  .object({
    kind: z.enum(['instance', 'asg', 'environment']).meta({ description: "an instance's or a group's Schedule tag, or an environment's DefaultSchedule" }),
    name: z.string().meta({ description: 'the instance id, group name or environment name' }),
    account: z.string().optional(),
    environment: z.string().optional(),
    schedule: z.string(),
    differences: z.array(
      z.object({
        code: z.string().meta({ description: 'weekday-7, day-or-weekday, out-of-range or trailing-semicolon' }),
        message: z.string().meta({ description: 'what EM does, what we do, and how to write it so both agree' }),
        offset: z.number().int(),
        length: z.number().int(),
        item: z.number().int().optional(),
      }),
    ),
  })
  .meta({ id: 'ScheduleLintFinding' });
export type ScheduleLintFindingDto = z.infer<typeof ScheduleLintFindingSchema>;
export const ScheduleLintSchema = z.array(ScheduleLintFindingSchema);
