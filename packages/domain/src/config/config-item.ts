import type { JsonObject } from '../json.js';

/** The configuration entity types of EM, by the resource names of the HTTP API (`/api/v1/config/<type>`). */
export const ENTITY_TYPES = [
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

export type EntityType = (typeof ENTITY_TYPES)[number];

export function isEntityType(v: string): v is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(v);
}

export interface EntityRef {
  type: EntityType;
  key: string;
}

/** A reference from one item to another, with the path of the field that holds it. */
export interface Reference extends EntityRef {
  path: string;
}

/**
 * One stored configuration item. `data` is the item in EM's wire shape without `Version`
 * (for example `{ EnvironmentName, Value }`); `version` starts at 1 and grows by one with every write.
 */
export interface ConfigItem {
  type: EntityType;
  key: string;
  data: JsonObject;
  version: number;
}

/** The wire document of an item: its data plus `Version`, as EM clients expect it. */
export function toWire(item: ConfigItem): JsonObject {
  return { ...item.data, Version: item.version };
}
