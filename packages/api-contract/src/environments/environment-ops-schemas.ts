import { z } from 'zod';
import { bool, closed, environmentName, oneOf } from '../config/entities/fields.js';
import { PROTECTED_ACTIONS } from '../config/entities/environment-type.js';
import { opsReason } from '../config/entities/environment-ops.js';

/*
 * Environment operations (SPEC §3.3, §11): the deploy lock, maintenance mode and protected actions of an
 * environment. These resources are EM's additions beyond configuration, so their JSON is camelCase.
 */

/** The `{name}` of `/api/v1/environments/{name}/…`. */
export const EnvironmentPathSchema = z.object({
  name: environmentName().meta({ description: 'the environment', example: 'c50' }),
});

/** `PUT /environments/{name}/deploy-lock`. */
export const DeployLockRequestSchema = closed({
  reason: opsReason().optional().meta({ description: 'why deployments are locked (at most 500 characters); shown to whoever is refused' }),
}).meta({ id: 'DeployLockRequest' });
export type DeployLockRequest = z.infer<typeof DeployLockRequestSchema>;

/** The deploy lock of an environment: GET, and the answer to PUT and DELETE. */
export const DeployLockSchema = z
  .object({
    environment: z.string(),
    locked: z.boolean().meta({ description: 'deployments to the environment are refused (423) while true' }),
    lockedBy: z.string().optional().meta({ description: 'who locked it (absent for a lock imported from environment-manager)' }),
    lockedAt: z.string().optional().meta({ format: 'date-time', description: 'when it was locked' }),
    reason: z.string().optional(),
  })
  .meta({ id: 'DeployLock' });
export type DeployLock = z.infer<typeof DeployLockSchema>;

/** `PUT /environments/{name}/maintenance`. */
export const MaintenanceRequestSchema = closed({
  inMaintenance: bool().meta({ description: 'true puts the environment in maintenance, false takes it out' }),
  reason: opsReason().optional().meta({ description: 'why (at most 500 characters); kept only while in maintenance' }),
}).meta({ id: 'MaintenanceRequest' });
export type MaintenanceRequest = z.infer<typeof MaintenanceRequestSchema>;

/** The maintenance mode of an environment: GET, and the answer to PUT. */
export const MaintenanceSchema = z
  .object({
    environment: z.string(),
    inMaintenance: z.boolean().meta({ description: 'the scheduler leaves the environment alone while true' }),
    setBy: z.string().optional().meta({ description: 'who put it in maintenance' }),
    setAt: z.string().optional().meta({ format: 'date-time', description: 'when' }),
    reason: z.string().optional(),
  })
  .meta({ id: 'Maintenance' });
export type Maintenance = z.infer<typeof MaintenanceSchema>;

/** `GET /environments/{name}/protected?action=`. */
export const ProtectedQuerySchema = z.object({
  action: oneOf(PROTECTED_ACTIONS).meta({ description: 'the action to ask about' }),
});
export type ProtectedAction = (typeof PROTECTED_ACTIONS)[number];

export const ProtectedActionSchema = z
  .object({
    environment: z.string(),
    action: z.string(),
    isProtected: z.boolean().meta({ description: "the environment type's ProtectedActions name the action: nobody may do it, administrators included" }),
  })
  .meta({ id: 'ProtectedAction' });
export type ProtectedActionAnswer = z.infer<typeof ProtectedActionSchema>;

/** `GET /environments/{name}/ops`: everything of the ops record at once. */
export const EnvironmentOpsStatusSchema = z
  .object({
    environment: z.string(),
    deployLock: DeployLockSchema.omit({ environment: true }),
    maintenance: MaintenanceSchema.omit({ environment: true }),
    schedule: z.object({
      manualScheduleUp: z.boolean(),
      scheduleAutomatically: z.boolean(),
      defaultSchedule: z.string().optional(),
    }),
    version: z.number().int().optional().meta({ description: 'the version of the stored ops record (/config/environment-ops/{name}); absent while none is stored' }),
  })
  .meta({ id: 'EnvironmentOpsStatus' });
export type EnvironmentOpsStatus = z.infer<typeof EnvironmentOpsStatusSchema>;
