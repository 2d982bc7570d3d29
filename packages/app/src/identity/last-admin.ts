import { ENTITIES, isAdmin, isJsonObject, LastAdminError, type EntityType, type JsonObject } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { listAll } from '../config/export-config.js';
import { toPermissions } from './actors.js';

const IDENTITY_TYPES: readonly EntityType[] = ['users', 'groups', 'permissions'];

/**
 * Refuses a change to users, groups or permission sets that would leave no enabled administrator: nobody could
 * then grant anything again (409, like any other conflict with the stored state).
 */
export async function assertAdminRemains(store: ConfigStore, change: { type: EntityType; key: string; data: JsonObject | undefined }): Promise<void> {
  if (!IDENTITY_TYPES.includes(change.type)) return;
  const after = (type: EntityType, key: string, stored: JsonObject | undefined): JsonObject | undefined =>
    type === change.type && key === change.key ? change.data : stored;
  const sets = new Map((await listAll(store, 'permissions')).map((i) => [i.key, i.data]));
  if (change.type === 'permissions') sets.set(change.key, change.data ?? {});
  const users = (await listAll(store, 'users')).map((u) => ({ key: u.key, data: after('users', u.key, u.data) }));
  if (change.type === 'users' && change.data && !users.some((u) => u.key === change.key)) users.push({ key: change.key, data: change.data });
  const adminExists = users.some(({ key, data }) => {
    const value = data && isJsonObject(data['Value']) ? data['Value'] : undefined;
    if (!value || value['Disabled'] === true) return false;
    const groups = Array.isArray(value['Groups']) ? value['Groups'].filter((g): g is string => typeof g === 'string') : [];
    return isAdmin([key, ...groups].flatMap((name) => toPermissions(sets.get(name)?.['Permissions'])));
  });
  if (!adminExists) {
    throw new LastAdminError(`this change to ${ENTITIES[change.type].label} '${change.key}' would leave no enabled administrator; make someone else an administrator first`);
  }
}
