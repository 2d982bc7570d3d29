import type { z } from 'zod';
import type { ConfigType } from './entity-types.js';
import { AccountSchema } from './entities/account.js';
import { ClusterSchema } from './entities/cluster.js';
import { DeploymentMapSchema } from './entities/deployment-map.js';
import { EnvironmentTypeSchema } from './entities/environment-type.js';
import { EnvironmentSchema } from './entities/environment.js';
import { EnvironmentOpsSchema } from './entities/environment-ops.js';
import { LBSettingSchema } from './entities/lb-setting.js';
import { NotificationSettingsSchema } from './entities/notification-settings.js';
import { PermissionSetSchema } from './entities/permission-set.js';
import { ServiceSchema } from './entities/service.js';
import { UpstreamSchema } from './entities/upstream.js';
import { GroupSchema, UserSchema } from './entities/user-group.js';

export * from './entities/account.js';
export * from './entities/cluster.js';
export * from './entities/deployment-map.js';
export * from './entities/environment-type.js';
export * from './entities/environment.js';
export * from './entities/environment-ops.js';
export * from './entities/lb-setting.js';
export * from './entities/notification-settings.js';
export * from './entities/permission-set.js';
export * from './entities/service.js';
export * from './entities/upstream.js';
export * from './entities/user-group.js';

/**
 * The data of each configuration item (SPEC §3) in EM's wire shape, without `Version` (see `wireSchema`/`bodySchema`).
 * Every object is closed: an unknown field is a 400 naming the allowed ones. No schema transforms its input, so what
 * the API returns parses again unchanged.
 */
export const ENTITY_SCHEMAS = {
  accounts: AccountSchema,
  'notification-settings': NotificationSettingsSchema,
  clusters: ClusterSchema,
  'environment-types': EnvironmentTypeSchema,
  services: ServiceSchema,
  'deployment-maps': DeploymentMapSchema,
  environments: EnvironmentSchema,
  'environment-ops': EnvironmentOpsSchema,
  'lb-settings': LBSettingSchema,
  upstreams: UpstreamSchema,
  permissions: PermissionSetSchema,
  groups: GroupSchema,
  users: UserSchema,
} satisfies Record<ConfigType, z.ZodObject>;
