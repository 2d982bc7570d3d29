import { ENTITIES, isAdmin, LastAdminError, type EntityType, type JsonObject } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { listAll } from '../config/export-config.js';
import { toPermissions, userFacts } from './actors.js';

const IDENTITY_TYPES: readonly EntityType[] = ['users', 'groups', 'permissions'];

/**
 * Refuses a change to users, groups or permission sets that would leave no enabled administrator: nobody could
 * then grant anything again (409, like any other conflict with the stored state).
 */
export async function assertAdminRemains(
  store: ConfigStore,
  change: { type: EntityType; key: string; data: JsonObject | undefined },
  others: readonly { type: EntityType; key: string; data: JsonObject | undefined }[] = [],
): Promise<void> {
  const changes = [change, ...others].filter((c) => IDENTITY_TYPES.includes(c.type));
  if (!changes.length) return;
  const storedSets = new Map<string, JsonObject | undefined>((await listAll(store, 'permissions')).map((i) => [i.key, i.data]));
  const storedUsers = new Map<string, JsonObject | undefined>((await listAll(store, 'users')).map((u) => [u.key, u.data]));
  const apply = (stored: Map<string, JsonObject | undefined>, type: EntityType) =>
    new Map([...stored, ...changes.filter((c) => c.type === type).map((c) => [c.key, c.data] as const)]);
  // a store that has no administrator yet (a fresh one being filled by an import) is not made worse by the change
  if (!hasAdmin(storedUsers, storedSets)) return;
  const adminExists = hasAdmin(apply(storedUsers, 'users'), apply(storedSets, 'permissions'));
  if (!adminExists) {
    const what = others.length ? 'this import' : `this change to ${ENTITIES[change.type].label} '${change.key}'`;
    throw new LastAdminError(`${what} would leave no enabled administrator; make someone else an administrator first`);
  }
}

function hasAdmin(users: Map<string, JsonObject | undefined>, sets: Map<string, JsonObject | undefined>): boolean {
  return [...users].some(([key, data]) => {
    if (!data) return false;
    const { groups, disabled } = userFacts(data);
    if (disabled) return false;
    return isAdmin([key, ...groups].flatMap((name) => toPermissions(sets.get(name)?.['Permissions'])));
  });
}
