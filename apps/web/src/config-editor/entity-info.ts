import type { ConfigType } from '@envmgr/api-contract';
import { getAt, type Doc } from './schema-fields.js';

/** How the UI names each configuration type and finds an item's key (as the server derives it, SPEC §3). */
export const ENTITY_INFO: Record<ConfigType, { label: string; plural: string; keyOf: (item: Doc) => string | undefined }> = {
  accounts: { label: 'Account', plural: 'Accounts', keyOf: field('AccountName') },
  'notification-settings': { label: 'Notification settings', plural: 'Notification settings', keyOf: field('NotificationSettingsId') },
  clusters: { label: 'Cluster', plural: 'Clusters', keyOf: field('ClusterName') },
  'environment-types': { label: 'Environment type', plural: 'Environment types', keyOf: field('EnvironmentType') },
  services: { label: 'Service', plural: 'Services', keyOf: field('ServiceName') },
  'deployment-maps': { label: 'Deployment map', plural: 'Deployment maps', keyOf: field('DeploymentMapName') },
  environments: { label: 'Environment', plural: 'Environments', keyOf: field('EnvironmentName') },
  'environment-ops': { label: 'Environment ops record', plural: 'Environment ops records', keyOf: field('EnvironmentName') },
  'lb-settings': {
    label: 'Load-balancer setting',
    plural: 'Load-balancer settings',
    keyOf: (d) => both(getAt(d, 'EnvironmentName'), getAt(d, 'VHostName'), (env, vhost) => `${env}/${vhost}`),
  },
  upstreams: {
    label: 'Upstream',
    plural: 'Upstreams',
    keyOf: (d) => both(getAt(d, 'Value.EnvironmentName'), getAt(d, 'Value.UpstreamName'), (env, name) => `/${env}_${name}/config`),
  },
  permissions: { label: 'Permission set', plural: 'Permission sets', keyOf: field('Name') },
  groups: { label: 'Group', plural: 'Groups', keyOf: field('GroupName') },
  users: { label: 'User', plural: 'Users', keyOf: field('UserName') },
};

function field(name: string) {
  return (d: Doc) => {
    const v = d[name];
    return typeof v === 'string' && v ? v : undefined;
  };
}

function both(a: unknown, b: unknown, join: (a: string, b: string) => string): string | undefined {
  return typeof a === 'string' && a && typeof b === 'string' && b ? join(a, b) : undefined;
}

/** The fields that make up an item's key: they cannot change once it exists. */
export const KEY_PATHS: Record<ConfigType, readonly string[]> = {
  accounts: ['AccountName'],
  'notification-settings': ['NotificationSettingsId'],
  clusters: ['ClusterName'],
  'environment-types': ['EnvironmentType'],
  services: ['ServiceName'],
  'deployment-maps': ['DeploymentMapName'],
  environments: ['EnvironmentName'],
  'environment-ops': ['EnvironmentName'],
  'lb-settings': ['EnvironmentName', 'VHostName'],
  upstreams: ['key', 'Value.EnvironmentName', 'Value.UpstreamName'],
  permissions: ['Name'],
  groups: ['GroupName'],
  users: ['UserName'],
};

/** A starting document for a new item: the required fields, empty, so the form shows them. */
export function emptyItem(type: ConfigType): Doc {
  if (type === 'permissions') return { Name: '', Permissions: [] };
  if (type === 'lb-settings') return { EnvironmentName: '', VHostName: '', Value: {} };
  return { Value: {} };
}
