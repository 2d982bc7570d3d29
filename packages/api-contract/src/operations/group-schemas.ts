import { z } from 'zod';
import { environmentName } from '../config/entities/fields.js';

/*
 * Groups of instances (`/api/v1/asgs`, SPEC §11), in camelCase like EM's other operational routes. Response schemas
 * have no transforms, so what the server sends parses again with the same schema in the typed client.
 */

export const LIFECYCLE_STATES = ['Pending', 'InService', 'Standby', 'Terminating'] as const;
export const INSTANCE_STATES = ['pending', 'running', 'stopping', 'stopped', 'terminated'] as const;

/** An ASG name (SPEC §4: `<env>-<short>-<role>[-<slice>]`): 1–255 characters without control characters or `/`. */
export const asgName = () =>
  z
    .string()
    .min(1, { error: 'must be 1-255 characters' })
    .max(255, { error: 'must be 1-255 characters' })
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    .regex(/^[^/\u0000-\u001f\u007f]+$/, { error: 'must not contain "/" or control characters' })
    .meta({ description: 'the group name', example: 'dev1-IN-Web' });

export const AsgPathSchema = z.object({ name: asgName() });

/** `?environment=`: only groups tagged `Environment=<environment>`; on a single group, 404 when its tag differs. */
export const AsgQuerySchema = z.object({
  environment: environmentName().optional().meta({ description: "the group's `Environment` tag", example: 'dev1' }),
});

const count = () => z.number().int().min(0);

export const GroupSizeSchema = z.object({ min: count(), desired: count(), max: count() }).meta({ id: 'AsgSize' });

/** One group as `GET /asgs` lists it. */
export const AsgSchema = z
  .object({
    name: z.string(),
    environment: z.string().optional().meta({ description: 'the `Environment` tag' }),
    role: z.string().optional().meta({ description: 'the `Role` tag: the runtime server role, `<ServerRoleName>[-<slice>]`' }),
    owningCluster: z.string().optional().meta({ description: 'the `OwningCluster` tag' }),
    size: GroupSizeSchema,
    instanceCount: count().meta({ description: 'members that are not terminated (every lifecycle state)' }),
    instanceCounts: z
      .object({ Pending: count(), InService: count(), Standby: count(), Terminating: count() })
      .meta({ description: 'members by lifecycle state; Pending and InService count toward `size.desired`' }),
    tags: z.record(z.string(), z.string()),
    suspendedProcesses: z.array(z.string()).meta({ description: 'scaling processes suspended (Launch, Terminate, HealthCheck, …)' }),
    createdTime: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Asg' });
export type AsgDto = z.infer<typeof AsgSchema>;

/** A member of a group, as `GET /asgs/{name}` shows it. */
export const AsgMemberSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: z.enum(INSTANCE_STATES),
    lifecycleState: z.enum(LIFECYCLE_STATES).optional(),
    health: z.enum(['Healthy', 'Unhealthy']).optional(),
    privateAddress: z.string().optional(),
    launchTime: z.string().meta({ format: 'date-time' }),
    maintenance: z.boolean().meta({ description: 'the `Maintenance` tag is `true`' }),
  })
  .meta({ id: 'AsgMember' });
export type AsgMemberDto = z.infer<typeof AsgMemberSchema>;

export const AsgDetailSchema = AsgSchema.extend({
  instances: z.array(AsgMemberSchema).meta({ description: 'members that are not terminated, in launch order' }),
}).meta({ id: 'AsgDetail' });
export type AsgDetailDto = z.infer<typeof AsgDetailSchema>;

/** `GET /asgs/{name}/ready`. */
export const AsgReadinessSchema = z
  .object({
    name: z.string(),
    ready: z.boolean().meta({ description: 'as many counted members as desired, every one InService and running' }),
    desired: count(),
    counted: count().meta({ description: 'Pending and InService members' }),
    inService: count().meta({ description: 'counted members that are InService and running' }),
    reasons: z.array(z.string()).meta({ description: 'why it is not ready; empty when ready' }),
  })
  .meta({ id: 'AsgReadiness' });
export type AsgReadinessDto = z.infer<typeof AsgReadinessSchema>;

/** `GET /asgs/{name}/ips`. */
export const AsgIpsSchema = z
  .object({
    name: z.string(),
    ips: z.array(z.string()).meta({ description: 'addresses of the members that are InService and running, in launch order' }),
    instances: z
      .array(z.object({ id: z.string(), privateAddress: z.string().optional(), state: z.enum(INSTANCE_STATES), lifecycleState: z.enum(LIFECYCLE_STATES).optional() }))
      .meta({ description: 'every member that is not terminated, with its address' }),
  })
  .meta({ id: 'AsgIps' });
export type AsgIpsDto = z.infer<typeof AsgIpsSchema>;

/** `GET /asgs/{name}/launch-config`: how the group launches instances (SPEC §4: one launch configuration per ASG). */
export const AsgLaunchConfigSchema = z
  .object({
    name: z.string().meta({ description: '`LaunchConfig_<asg>`', example: 'LaunchConfig_dev1-IN-Web' }),
    asg: z.string(),
    image: z.string(),
    instanceType: z.string(),
    subnetType: z.string(),
    securityZone: z.string(),
    instanceProfile: z.string(),
    volumes: z.array(z.object({ device: z.string(), sizeGb: z.number(), type: z.enum(['ssd', 'standard']), encrypted: z.boolean() })),
    securityGroups: z.array(z.string()).optional(),
    keyPair: z.string().optional(),
    instanceNamePrefix: z.string().optional(),
  })
  .meta({ id: 'AsgLaunchConfig' });
export type AsgLaunchConfigDto = z.infer<typeof AsgLaunchConfigSchema>;

const sizeField = (what: string) =>
  z
    .number({ error: `must be a whole number from 0 to 10000 (${what})` })
    .int({ error: `must be a whole number from 0 to 10000 (${what})` })
    .min(0, { error: `must be a whole number from 0 to 10000 (${what})` })
    .max(10_000, { error: `must be a whole number from 0 to 10000 (${what})` })
    .optional();

/**
 * `PUT /asgs/{name}/size`: the new bounds and target; omitted ones keep their value, except that an omitted
 * `desired` moves to the nearest new bound when the new bounds exclude it.
 */
export const AsgSizeRequestSchema = z
  .strictObject({
    min: sizeField('the least number of counted instances'),
    desired: sizeField('the number of counted instances to keep'),
    max: sizeField('the most counted instances'),
  })
  .refine((b) => b.min !== undefined || b.desired !== undefined || b.max !== undefined, { error: 'give at least one of min, desired, max' })
  .meta({ id: 'AsgSizeRequest' });
export type AsgSizeRequestDto = z.infer<typeof AsgSizeRequestSchema>;

/** One action of a group's scaling schedule; EM's field names (Auto Scaling's scheduled actions). */
export const ScalingActionSchema = z
  .strictObject({
    Recurrence: z.string().min(1).max(256).meta({ description: 'a five-field cron, `minute hour day month weekday`', example: '0 8 * * 1-5' }),
    TimeZone: z.string().min(1).max(64).optional().meta({ description: 'IANA zone the cron is read in; ours (EM read it in UTC)', example: 'Europe/London' }),
    DesiredCapacity: z.number().int().min(0).max(10_000),
    MinSize: z.number().int().min(0).max(10_000).optional(),
    MaxSize: z.number().int().min(0).max(10_000).optional(),
  })
  .meta({ id: 'ScalingAction' });

export const ScalingScheduleRequestSchema = z
  .strictObject({
    schedule: z
      .union([z.string().min(1).max(256), z.array(ScalingActionSchema).min(1).max(20)])
      .meta({ description: 'a schedule for the group\'s `Schedule` tag (docs/scheduling.md grammar), or a list of scaling actions' }),
    propagateToInstances: z.boolean().optional().meta({ description: 'with a string: tag every member with it too' }),
  })
  .meta({ id: 'ScalingScheduleRequest' });
export type ScalingScheduleRequestDto = z.infer<typeof ScalingScheduleRequestSchema>;

export const ScalingScheduleSchema = z
  .object({
    name: z.string(),
    schedule: z.string().optional().meta({ description: 'the group\'s `Schedule` tag; `NOSCHEDULE` while it has scaling actions' }),
    actions: z.array(ScalingActionSchema),
    unreadable: z.array(z.string()).meta({ description: 'action tags that could not be read (edited by hand); the scheduler ignores them' }),
    appliedThrough: z.string().meta({ format: 'date-time' }).optional().meta({ description: 'occurrences up to this time were applied; later ones are applied by the scheduler job' }),
  })
  .meta({ id: 'ScalingSchedule' });
export type ScalingScheduleDto = z.infer<typeof ScalingScheduleSchema>;
