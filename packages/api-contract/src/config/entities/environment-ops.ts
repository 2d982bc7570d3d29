import { z } from 'zod';
import { bool, closed, environmentName, hint, name, str, text } from './fields.js';

/** The longest reason a deploy lock or maintenance mode may carry. */
export const OPS_REASON_MAX = 500;

/** An ISO 8601 date-time such as 2026-11-23T12:00:00.000Z. */
export const isoDateTime = () => z.iso.datetime({ offset: true, ...hint('must be an ISO 8601 date-time such as 2026-11-23T12:00:00.000Z') });

/** Why a deploy lock or maintenance mode is in place: free text of at most {@link OPS_REASON_MAX} characters. */
export const opsReason = () => text(OPS_REASON_MAX);

const OpsMarkSchema = closed({
  By: name().meta({ description: 'who set the flag, as the audit names actors (alice, alice/token:…)' }),
  At: isoDateTime().meta({ description: 'when it was set (UTC)' }),
  Reason: opsReason().optional(),
});

/** §3.3: the ops record of an environment (EM's InfraOpsEnvironment). Key: EnvironmentName. */
export const EnvironmentOpsSchema = closed({
  EnvironmentName: environmentName(),
  Value: closed({
    ManualScheduleUp: bool().optional().meta({ description: 'keep the environment on (with ScheduleAutomatically false); absent = false' }),
    ScheduleAutomatically: bool().optional().meta({ description: 'follow DefaultSchedule (SPEC §8); absent = false' }),
    DefaultSchedule: str('must be a schedule of 1-1024 characters, e.g. "start: 0 8 * * 1-5; stop: 0 19 * * 1-5 | Europe/London", 247, OFF or NOSCHEDULE', {
      min: 1,
      max: 1024,
    })
      .optional()
      .meta({ description: "the environment's schedule when ScheduleAutomatically is set (SPEC §8 grammar)" }),
    DeploymentsLocked: bool().optional().meta({ description: 'deployments are refused (423) while true; absent = false' }),
    EnvironmentInMaintenance: bool().optional().meta({ description: 'the environment is in maintenance (the scheduler leaves it alone); absent = false' }),
    DeploymentLock: OpsMarkSchema.optional().meta({ description: 'who locked deployments, when and why; only while DeploymentsLocked' }),
    Maintenance: OpsMarkSchema.optional().meta({ description: 'who put the environment in maintenance, when and why; only while EnvironmentInMaintenance' }),
    ScheduleOverride: closed({
      State: z.enum(['on', 'off'], hint('must be on or off')),
      Until: isoDateTime().meta({ description: 'when the override stops counting (UTC)' }),
      By: name().meta({ description: 'who set it' }),
      At: isoDateTime().meta({ description: 'when it was set (UTC)' }),
      Reason: opsReason().optional(),
    })
      .optional()
      .meta({ description: 'ours: the environment is kept on or off until Until, above every schedule but NOSCHEDULE (docs/scheduling.md)' }),
  }),
}).meta({
  id: 'EnvironmentOps',
  description:
    'The operational record of an environment (§3.3): deploy lock, maintenance and schedule flags. Change it through ' +
    '/environments/{name}/deploy-lock and /maintenance; an environment without one has every flag false.',
});
export type EnvironmentOpsRecord = z.infer<typeof EnvironmentOpsSchema>;
