import { z } from 'zod';
import type { ConfigType } from './entity-types.js';

// Placeholder shapes; the full SPEC §3 schemas replace these.
const value = z.record(z.string(), z.unknown());
export const ENTITY_SCHEMAS = {
  accounts: z.strictObject({ AccountName: z.string(), AccountNumber: z.string(), RoleArn: z.string().optional(), IncludeAMIs: z.boolean().optional() }).meta({ id: 'Account' }),
  'notification-settings': z.strictObject({ NotificationSettingsId: z.string(), Value: value }).meta({ id: 'NotificationSettings' }),
  clusters: z.strictObject({ ClusterName: z.string(), Value: value }).meta({ id: 'Cluster' }),
  'environment-types': z.strictObject({ EnvironmentType: z.string(), Value: value }).meta({ id: 'EnvironmentType' }),
  services: z.strictObject({ ServiceName: z.string(), OwningCluster: z.string(), Value: value }).meta({ id: 'Service' }),
  'deployment-maps': z.strictObject({ DeploymentMapName: z.string(), Value: value }).meta({ id: 'DeploymentMap' }),
  environments: z.strictObject({ EnvironmentName: z.string(), Value: value }).meta({ id: 'Environment' }),
  'lb-settings': z.strictObject({ EnvironmentName: z.string(), VHostName: z.string(), Value: value }).meta({ id: 'LBSetting' }),
  upstreams: z.strictObject({ key: z.string().optional(), Value: value }).meta({ id: 'Upstream' }),
  permissions: z.strictObject({ Name: z.string(), Permissions: z.array(z.unknown()) }).meta({ id: 'PermissionSet' }),
} satisfies Record<ConfigType, z.ZodObject>;
