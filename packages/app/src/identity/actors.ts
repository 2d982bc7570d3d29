import { isJsonObject, mergePermissionSets, type Actor, type Json, type Permission } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';

/** The permission sets named after a user and each of their groups, merged (SPEC §9). */
export async function permissionsOf(store: ConfigStore, user: string, extraGroups: readonly string[] = []): Promise<{ groups: string[]; permissions: Permission[] }> {
  const item = await store.get('users', user);
  const value = item && isJsonObject(item.data['Value']) ? item.data['Value'] : {};
  const configured = Array.isArray(value['Groups']) ? value['Groups'].filter((g): g is string => typeof g === 'string') : [];
  const groups = [...new Set([...configured, ...extraGroups])];
  const sets = await Promise.all([user, ...groups].map((name) => store.get('permissions', name)));
  return { groups, permissions: mergePermissionSets(sets.map((s) => toPermissions(s?.data['Permissions']))) };
}

/** Stored permission entries were validated by the permission-set schema when written. */
export function toPermissions(value: Json | undefined): Permission[] {
  return Array.isArray(value) ? (value.filter(isJsonObject) as unknown as Permission[]) : [];
}

export async function userActor(store: ConfigStore, user: string, extraGroups: readonly string[] = []): Promise<Actor> {
  const { permissions } = await permissionsOf(store, user, extraGroups);
  return { name: user, kind: 'user', user, permissions };
}

export async function isUserDisabled(store: ConfigStore, user: string): Promise<boolean | undefined> {
  const item = await store.get('users', user);
  if (!item) return undefined;
  const value = item.data['Value'];
  return isJsonObject(value) && value['Disabled'] === true;
}
