import type { ConfigType } from '@envmgr/api-contract';
import type { App, HttpDeps } from '../context.js';
import { registerConfigResource, type ResourceSpec } from './resource-routes.js';

/** Every configuration resource, registered explicitly (SPEC §3, §11). */
const RESOURCES: readonly ResourceSpec[] = [
  { type: 'accounts', title: 'Accounts', filters: [] },
  { type: 'notification-settings', title: 'Notification settings', filters: [] },
  { type: 'clusters', title: 'Clusters', filters: [] },
  { type: 'environment-types', title: 'Environment types', filters: [] },
  { type: 'services', title: 'Services', filters: ['cluster'] },
  { type: 'deployment-maps', title: 'Deployment maps', filters: [] },
  { type: 'environments', title: 'Environments', filters: ['environmentType', 'cluster'] },
  { type: 'environment-ops', title: 'Environment ops records', filters: ['deploymentsLocked', 'inMaintenance'] },
  { type: 'lb-settings', title: 'Load-balancer settings', filters: ['environment', 'frontend'], keyParams: ['environment', 'vhost'] },
  { type: 'upstreams', title: 'Upstreams', filters: ['environment', 'service'] },
  { type: 'permissions', title: 'Permission sets', filters: [] },
  { type: 'groups', title: 'Groups', filters: [] },
  { type: 'users', title: 'Users', filters: [] },
] satisfies readonly (ResourceSpec & { type: ConfigType })[];

export function registerConfigRoutes(app: App, deps: HttpDeps): void {
  for (const spec of RESOURCES) registerConfigResource(app, deps, spec);
}
