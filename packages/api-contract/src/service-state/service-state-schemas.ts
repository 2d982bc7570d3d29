import { z } from 'zod';
import { environmentName, serviceName } from '../config/entities/fields.js';
import { packageVersion } from '../packages/package-schemas.js';
import { UpstreamSliceSchema } from '../traffic/traffic-schemas.js';

/*
 * The read side of services and target state (SPEC §11): services of an environment, their health, slices and
 * installation check; the target state; an environment's servers; comparing environments. camelCase like EM's
 * other operational routes. Response schemas have no transforms, so what the server sends parses again with the
 * same schema in the typed client.
 */

const SLICES = ['none', 'blue', 'green'] as const;
const CHECK_STATES = ['passing', 'warning', 'critical'] as const;
const INSTANCE_STATES = ['pending', 'running', 'stopping', 'stopped', 'terminated'] as const;
const count = () => z.number().int().min(0);
const sliceEnum = () => z.enum(SLICES);

// ---- requests ---------------------------------------------------------------------------------------------------

const environmentParam = () => environmentName().meta({ description: 'a configured environment', example: 'c50' });

export const EnvironmentQuerySchema = z.object({ environment: environmentParam() });
export const ServiceSliceQuerySchema = EnvironmentQuerySchema.extend({
  slice: sliceEnum().optional().meta({ description: 'only this slice' }),
});
export const ServiceStatePathSchema = z.object({ service: serviceName().meta({ description: 'the service', example: 'Hello' }) });

export const TargetStatePathSchema = z.object({ environment: environmentParam() });
export const TargetStateServicePathSchema = TargetStatePathSchema.extend({ service: ServiceStatePathSchema.shape.service });
export const TargetStateVersionPathSchema = TargetStateServicePathSchema.extend({ version: packageVersion() });
export const TargetStateQuerySchema = z.object({
  serverRole: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'only this server role and its slice fleets (`Web` keeps `Web`, `Web-blue`, `Web-green`)', example: 'Web' }),
});

export const ServersPathSchema = z.object({ name: environmentParam() });
export const ServerGroupPathSchema = ServersPathSchema.extend({
  group: z
    .string()
    .min(1, { error: 'must be 1-255 characters' })
    .max(255, { error: 'must be 1-255 characters' })
    .meta({ description: "a group of the environment (its `Environment` tag names it)", example: 'c50-in-Web' }),
});

/** Most environments one comparison may hold. */
export const MAX_COMPARE_ENVIRONMENTS = 10;
const ENV_LIST = new RegExp(`^[A-Za-z][A-Za-z0-9]{0,31}(?:,[A-Za-z][A-Za-z0-9]{0,31}){1,${MAX_COMPARE_ENVIRONMENTS - 1}}$`);
export const CompareQuerySchema = z.object({
  environments: z
    .string({ error: `is required: 2-${MAX_COMPARE_ENVIRONMENTS} environment names separated by commas, e.g. c50,c51` })
    .regex(ENV_LIST, { error: (iss) => `must be 2-${MAX_COMPARE_ENVIRONMENTS} environment names separated by commas, e.g. c50,c51; got ${JSON.stringify(iss.input)}` })
    .meta({ description: 'the environments to compare, in order', example: 'c50,c51' }),
});

// ---- shared parts -----------------------------------------------------------------------------------------------

export const HealthSummarySchema = z
  .object({
    status: z.enum([...CHECK_STATES, 'none']).meta({ description: 'the worst state of the instances; `none` without instances' }),
    instances: count(),
    passing: count(),
    warning: count(),
    critical: count(),
  })
  .meta({ id: 'HealthSummary' });

export const ServiceTargetEntrySchema = z
  .object({
    role: z.string().meta({ description: 'the runtime server role (`Web`, or `Web-blue` for a fleet per slice)' }),
    slice: sliceEnum(),
    version: z.string(),
    deploymentId: z.string(),
    action: z.enum(['Install', 'Ignore', 'Uninstall']),
  })
  .meta({ id: 'ServiceTargetEntry' });

export const ServiceCheckSchema = z
  .object({ checkId: z.string(), name: z.string(), status: z.enum(CHECK_STATES), output: z.string(), notes: z.string() })
  .meta({ id: 'ServiceCheck' });

export const ServiceInstanceSchema = z
  .object({
    instanceId: z.string().meta({ description: 'the registry node: the instance id' }),
    address: z.string(),
    port: count(),
    serviceId: z.string().meta({ description: 'the registry id, `<env>-<service>[-<slice>]`' }),
    slice: sliceEnum(),
    version: z.string().optional().meta({ description: 'from the `version:` tag; absent when the registration has none' }),
    deploymentId: z.string().optional(),
    serverRole: z.string().optional().meta({ description: 'from the `server_role:` tag' }),
    status: z.enum(CHECK_STATES).meta({ description: 'the worst of its checks; `passing` without checks, as Consul counts it' }),
    checks: z.array(ServiceCheckSchema),
  })
  .meta({ id: 'ServiceInstance' });

// ---- services ---------------------------------------------------------------------------------------------------

export const ServiceSummarySchema = z
  .object({
    service: z.string(),
    target: z.array(ServiceTargetEntrySchema).meta({ description: 'its entries in the target state, by role and slice' }),
    versions: z.array(z.string()).meta({ description: 'versions registered, in semver order' }),
    slices: z.array(z.object({ slice: sliceEnum(), versions: z.array(z.string()), health: HealthSummarySchema })),
    health: HealthSummarySchema,
  })
  .meta({ id: 'ServiceSummary' });
export type ServiceSummaryDto = z.infer<typeof ServiceSummarySchema>;

export const EnvironmentServicesSchema = z
  .object({ environment: z.string(), services: z.array(ServiceSummarySchema) })
  .meta({ id: 'EnvironmentServices' });
export type EnvironmentServicesDto = z.infer<typeof EnvironmentServicesSchema>;

export const ServiceHealthSchema = z
  .object({
    environment: z.string(),
    service: z.string(),
    slice: sliceEnum().optional(),
    health: HealthSummarySchema,
    instances: z.array(ServiceInstanceSchema),
  })
  .meta({ id: 'ServiceHealth' });
export type ServiceHealthDto = z.infer<typeof ServiceHealthSchema>;

export const ServiceSliceSchema = z
  .object({
    slice: sliceEnum(),
    registryName: z.string().meta({ description: 'the registry (Consul) service name of the slice' }),
    port: count().optional().meta({ description: "the slice's port from the service's configuration; local instances use their own (see instances)" }),
    active: z
      .boolean()
      .nullable()
      .meta({ description: 'whether traffic goes to this slice: a host of the service\'s upstreams names its registry name and is up (true) or all such hosts are down (false); null when no upstream host names it' }),
    target: z.array(ServiceTargetEntrySchema),
    versions: z.array(z.string()),
    instances: z.array(ServiceInstanceSchema),
    health: HealthSummarySchema,
  })
  .meta({ id: 'ServiceSlice' });

export const ServiceSlicesSchema = z
  .object({
    environment: z.string(),
    service: z.string(),
    slices: z.array(ServiceSliceSchema),
    upstreams: z.array(UpstreamSliceSchema).optional().meta({ description: 'EM\'s record of each host of the service\'s upstreams in the environment (SPEC §7); sent by servers with traffic switching' }),
  })
  .meta({ id: 'ServiceSlices' });
export type ServiceSlicesDto = z.infer<typeof ServiceSlicesSchema>;

export const InstallationChecklistSchema = z
  .object({
    slice: sliceEnum(),
    ok: z.boolean(),
    items: z.array(
      z.object({
        check: z.enum(['target-state', 'agent-report', 'registered', 'healthy']),
        ok: z.boolean(),
        detail: z.string().meta({ description: 'what holds, or what is missing' }),
      }),
    ),
    missing: z.array(z.string()).meta({ description: 'the details of the items that do not hold' }),
  })
  .meta({ id: 'InstallationChecklist' });

export const InstallationCheckSchema = z
  .object({
    environment: z.string(),
    service: z.string(),
    slice: sliceEnum().optional(),
    roles: z.array(z.string()).meta({ description: 'the runtime roles whose groups were checked' }),
    ok: z.boolean(),
    instances: z.array(
      z.object({
        instanceId: z.string(),
        name: z.string(),
        group: z.string().optional(),
        role: z.string().optional(),
        state: z.enum(INSTANCE_STATES),
        ok: z.boolean(),
        checks: z.array(InstallationChecklistSchema),
      }),
    ),
  })
  .meta({ id: 'InstallationCheck' });
export type InstallationCheckDto = z.infer<typeof InstallationCheckSchema>;

// ---- target state -----------------------------------------------------------------------------------------------

export const TargetStateSchema = z
  .object({
    environment: z.string(),
    serverRole: z.string().optional(),
    roles: z.array(
      z.object({
        role: z.string(),
        services: z.array(
          z.object({
            service: z.string(),
            slice: sliceEnum(),
            version: z.string(),
            deploymentId: z.string(),
            instanceIds: z.array(z.string()).meta({ description: '[] means every instance of the role' }),
            action: z.enum(['Install', 'Ignore', 'Uninstall']),
            key: z.string(),
          }),
        ),
      }),
    ),
    services: z.array(
      z.object({
        service: z.string(),
        version: z.string(),
        definition: z
          .object({
            name: z.string().optional(),
            id: z.string().optional(),
            ports: z.object({ blue: count(), green: count() }).optional(),
            tags: z.array(z.string()),
          })
          .nullable(),
        installation: z
          .object({ packageBucket: z.string().optional(), packageKey: z.string().optional(), installationTimeoutMin: z.number().optional() })
          .nullable(),
      }),
    ),
    problems: z.array(z.object({ key: z.string(), message: z.string() })).meta({ description: 'values the agents skip, and why' }),
  })
  .meta({ id: 'TargetState' });
export type TargetStateDto = z.infer<typeof TargetStateSchema>;

export const DeletedTargetStateSchema = z
  .object({
    environment: z.string(),
    service: z.string().optional(),
    version: z.string().optional(),
    deletedKeys: z.array(z.string()),
  })
  .meta({ id: 'DeletedTargetState' });
export type DeletedTargetStateDto = z.infer<typeof DeletedTargetStateSchema>;

// ---- servers ----------------------------------------------------------------------------------------------------

export const ServerDifferenceSchema = z
  .object({
    kind: z.enum(['not-running', 'missing', 'version-differs', 'deployment-differs', 'unhealthy', 'unexpected']),
    service: z.string().optional(),
    slice: sliceEnum().optional(),
    expected: z.object({ version: z.string(), deploymentId: z.string() }).optional(),
    actual: z.object({ version: z.string().optional(), deploymentId: z.string().optional() }).optional(),
    message: z.string(),
  })
  .meta({ id: 'ServerDifference' });

export const ServerInstanceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: z.enum(INSTANCE_STATES),
    lifecycle: z.string().optional().meta({ description: 'Pending, InService, Standby or Terminating' }),
    health: z.string().optional().meta({ description: "the group's view: Healthy or Unhealthy" }),
    address: z.string().optional(),
    launchTime: z.string().meta({ format: 'date-time' }),
    role: z.string().optional().meta({ description: 'the runtime role whose target state its agent follows' }),
    services: z.array(
      z.object({
        service: z.string(),
        slice: sliceEnum(),
        serviceId: z.string(),
        version: z.string().optional(),
        deploymentId: z.string().optional(),
        port: count(),
        status: z.enum(CHECK_STATES),
        matchesTarget: z.boolean().meta({ description: 'the version and deployment the target state asks for (or accepts) here' }),
      }),
    ),
    converged: z.boolean(),
    differences: z.array(ServerDifferenceSchema),
  })
  .meta({ id: 'ServerInstance' });

export const ServerGroupSchema = z
  .object({
    environment: z.string(),
    name: z.string(),
    role: z.string().optional().meta({ description: 'the `Role` tag: the runtime server role' }),
    cluster: z.string().optional().meta({ description: 'the `OwningCluster` tag' }),
    size: z.object({ min: count(), desired: count(), max: count() }),
    converged: z.boolean().meta({ description: 'every instance runs what the target state asks for' }),
    instances: z.array(ServerInstanceSchema),
  })
  .meta({ id: 'ServerGroup' });
export type ServerGroupDto = z.infer<typeof ServerGroupSchema>;

export const AccountFreshnessSchema = z
  .object({
    account: z.string().meta({ description: 'the 12-digit account' }),
    refreshedAt: z.string().optional().meta({ description: "ISO 8601 UTC of the last complete read of the account's groups and instances; absent before the first" }),
    ageMs: z.number().int().optional().meta({ description: 'how old that data is' }),
    lastError: z
      .object({ code: z.string(), message: z.string(), at: z.string() })
      .optional()
      .meta({ description: 'the last refresh failed: what is shown for this account is from refreshedAt' }),
  })
  .meta({ id: 'AccountFreshness' });
export type AccountFreshnessDto = z.infer<typeof AccountFreshnessSchema>;

export const EnvironmentServersSchema = z
  .object({
    environment: z.string(),
    converged: z.boolean(),
    groups: z.array(ServerGroupSchema),
    accounts: z
      .array(AccountFreshnessSchema)
      .optional()
      .meta({ description: "with AWS compute: how fresh each account's data is (groups and instances come from a cache refreshed per account); absent where compute is read live" }),
  })
  .meta({ id: 'EnvironmentServers' });
export type EnvironmentServersDto = z.infer<typeof EnvironmentServersSchema>;

// ---- compare ----------------------------------------------------------------------------------------------------

export const EnvironmentComparisonSchema = z
  .object({
    environments: z.array(z.string()),
    services: z.array(
      z.object({
        service: z.string(),
        differs: z.boolean().meta({ description: 'the environments disagree on target or running versions' }),
        environments: z.array(
          z.object({
            environment: z.string(),
            target: z.array(z.string()).meta({ description: 'versions its target state asks for (Install and Ignore entries)' }),
            running: z.array(z.string()).meta({ description: 'versions registered there' }),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'EnvironmentComparison' });
export type EnvironmentComparisonDto = z.infer<typeof EnvironmentComparisonSchema>;
