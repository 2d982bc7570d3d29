import { z } from 'zod';

/** Configuration resources, by their names under `/api/v1/config/`. Mirrors the domain's list (a test checks it). */
export const CONFIG_TYPES = [
  'accounts',
  'notification-settings',
  'clusters',
  'environment-types',
  'services',
  'deployment-maps',
  'environments',
  'environment-ops',
  'lb-settings',
  'upstreams',
  'permissions',
  'groups',
  'users',
] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];
export const ConfigTypeSchema = z.enum(CONFIG_TYPES);

/** The URL path of one item under `/api/v1/config/<type>/`, from its key. */
export function itemPath(type: ConfigType, key: string): string {
  if (type === 'lb-settings') return `${type}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return `${type}/${encodeURIComponent(key)}`;
}
