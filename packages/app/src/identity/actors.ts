import { isJsonObject, mergePermissionSets, type Actor, type Json, type JsonObject, type Permission } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';

/** What a stored user item says for access: its configured groups, and whether it is disabled. */
export interface UserFacts {
  groups: string[];
  disabled: boolean;
}

export function userFacts(data: JsonObject): UserFacts {
  const value = isJsonObject(data['Value']) ? data['Value'] : {};
  const groups = Array.isArray(value['Groups']) ? value['Groups'].filter((g): g is string => typeof g === 'string') : [];
  return { groups, disabled: value['Disabled'] === true };
}

/** The user's facts, or undefined when there is no such user. */
export async function loadUser(store: ConfigStore, user: string): Promise<UserFacts | undefined> {
  const item = await store.get('users', user);
  return item ? userFacts(item.data) : undefined;
}

/**
 * The permission sets named after a user and each of their groups, merged (SPEC §9). Pass `facts` when the user
 * item was already read, so a request reads it once.
 */
export async function permissionsOf(
  store: ConfigStore,
  user: string,
  extraGroups: readonly string[] = [],
  facts?: UserFacts,
): Promise<{ groups: string[]; permissions: Permission[] }> {
  const configured = (facts ?? (await loadUser(store, user)))?.groups ?? [];
  const groups = [...new Set([...configured, ...extraGroups])];
  const sets = await Promise.all([user, ...groups].map((name) => store.get('permissions', name)));
  return { groups, permissions: mergePermissionSets(sets.map((s) => toPermissions(s?.data['Permissions']))) };
}

/** Stored permission entries were validated by the permission-set schema when written. */
export function toPermissions(value: Json | undefined): Permission[] {
  return Array.isArray(value) ? (value.filter(isJsonObject) as unknown as Permission[]) : [];
}

export async function userActor(store: ConfigStore, user: string, extraGroups: readonly string[] = [], facts?: UserFacts): Promise<Actor> {
  const { permissions } = await permissionsOf(store, user, extraGroups, facts);
  return { name: user, kind: 'user', user, permissions };
}

export async function isUserDisabled(store: ConfigStore, user: string): Promise<boolean | undefined> {
  return (await loadUser(store, user))?.disabled;
}
