import { z } from 'zod';
import { PageQuerySchema } from '../common/paging.js';
import { environmentName, name } from '../config/entities/fields.js';
import { INSTANCE_STATES, LIFECYCLE_STATES } from './group-schemas.js';

/** An instance id: `i-` and 8 or 17 lower-case hex digits (EC2's two formats; EM's own instances have 17). */
export const instanceId = () =>
  z
    .string()
    .regex(/^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: 'must be an instance id: i- and 17 (or 8) lower-case hex digits, e.g. i-0e000000000000001' })
    .meta({ description: 'the instance id', example: 'i-0e000000000000001' });

export const InstancePathSchema = z.object({ id: instanceId() });

/** `GET /instances` filters (SPEC §11 names), each an exact match; paged with `limit` and `cursor`. */
export const InstanceListQuerySchema = PageQuerySchema.extend({
  environment: environmentName().optional().meta({ description: 'the `Environment` tag', example: 'dev1' }),
  cluster: name().optional().meta({ description: 'the `OwningCluster` tag', example: 'Infra' }),
  maintenance: z.enum(['true', 'false']).optional().meta({ description: 'whether the `Maintenance` tag is `true`' }),
  instance_id: instanceId().optional(),
  ip_address: z.string().min(1).max(64).optional().meta({ description: 'the private address', example: '10.0.0.2' }),
});

/** An instance as `GET /instances` and `GET /instances/{id}` show it. */
export const InstanceSchema = z
  .object({
    id: z.string(),
    name: z.string().meta({ description: 'the `Name` tag, else the id' }),
    state: z.enum(INSTANCE_STATES),
    privateAddress: z.string().optional(),
    asg: z.string().optional().meta({ description: 'the group that launched it' }),
    lifecycleState: z.enum(LIFECYCLE_STATES).optional().meta({ description: 'absent when it is not (or no longer) a group member' }),
    health: z.enum(['Healthy', 'Unhealthy']).optional(),
    launchTime: z.string().meta({ format: 'date-time' }),
    environment: z.string().optional().meta({ description: 'the `Environment` tag' }),
    owningCluster: z.string().optional().meta({ description: 'the `OwningCluster` tag' }),
    role: z.string().optional().meta({ description: 'the `Role` tag' }),
    maintenance: z.boolean().meta({ description: 'the `Maintenance` tag is `true` (case-insensitive)' }),
    tags: z.record(z.string(), z.string()),
  })
  .meta({ id: 'Instance' });
export type InstanceDto = z.infer<typeof InstanceSchema>;

/** `PUT /instances/{id}/maintenance` (SPEC §7). */
export const InstanceMaintenanceRequestSchema = z
  .strictObject({ enable: z.boolean({ error: 'is required: true to put the instance in maintenance, false to take it out' }) })
  .meta({ id: 'InstanceMaintenanceRequest' });
export type InstanceMaintenanceRequestDto = z.infer<typeof InstanceMaintenanceRequestSchema>;

