import {
  AlreadyExistsError,
  DependencyUnavailableError,
  isJsonObject,
  systemActor,
  UniquenessError,
  type ConfigItem,
  type JsonObject,
} from '@envmgr/domain';
import type { ConfigStore, DirectoryUser } from '@envmgr/ports';
import type { IdentityDeps } from './identity-deps.js';
import { createItem } from '../config/write-items.js';

/** Who signed in: the EM user (item key) and the EM groups their directory groups map onto. */
export interface VerifiedUser {
  user: string;
  groups: string[];
}

/** The actor that creates users on their first directory sign-in; named in their audit records. */
export const DIRECTORY_ACTOR = systemActor('ldap');

// The UserName rule of the User schema (api-contract UserSchema): a name EM cannot store is no EM user.
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@\\-]{0,127}$/;
// The address rule of the User schema (zod's email check), so a created user passes it on export and import.
const EMAIL = /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** True when sign-in goes to the directory: there is one, and the user is not a local one (`Source` other than ldap). */
export function usesDirectory(deps: Pick<IdentityDeps, 'directory'>, item: ConfigItem | undefined): boolean {
  if (!deps.directory) return false;
  if (!item) return true;
  const value = item.data['Value'];
  return isJsonObject(value) && value['Source'] === 'ldap';
}

/**
 * Checks the password with the directory. Returns undefined for a wrong name or password; names EM cannot store
 * as a user never reach the directory. Throws what the directory throws (DependencyUnavailableError when it fails).
 */
export async function askDirectory(deps: Pick<IdentityDeps, 'directory'>, username: string, password: string): Promise<DirectoryUser | undefined> {
  if (!deps.directory || !USER_NAME.test(username)) return undefined;
  return deps.directory.authenticate(username, password);
}

/**
 * The EM side of a directory sign-in. Directory users are keyed by their lower-cased name, as directories compare
 * names regardless of case; a user item of the typed spelling is used when it exists. On the first sign-in the user
 * item is created (`Source: ldap`, display name and email from the directory) as `system:ldap`, through the audited
 * write path. Throws UniquenessError when the name is held by a local user or by another spelling.
 */
export async function adoptDirectoryUser(
  deps: IdentityDeps,
  cmd: { username: string; item: ConfigItem | undefined; found: DirectoryUser; requestId: string },
): Promise<VerifiedUser> {
  const key = cmd.item ? cmd.username : cmd.username.toLowerCase();
  await ensureUser(deps, key, cmd.found, cmd.requestId);
  return { user: key, groups: await emGroupsOf(deps.store, cmd.found.groups) };
}

async function ensureUser(deps: IdentityDeps, key: string, found: DirectoryUser, requestId: string): Promise<void> {
  const existing = await deps.store.get('users', key);
  if (existing) {
    if (!usesDirectory(deps, existing)) throw taken(key);
    return;
  }
  const value: JsonObject = { Source: 'ldap' };
  if (found.displayName) value['DisplayName'] = found.displayName.slice(0, 255);
  if (found.email && found.email.length <= 254 && EMAIL.test(found.email)) value['Email'] = found.email;
  try {
    await createItem(deps, { actor: DIRECTORY_ACTOR, requestId }, 'users', { UserName: key, Value: value });
  } catch (err) {
    // a concurrent first sign-in of the same user created it meanwhile
    if (err instanceof AlreadyExistsError && usesDirectory(deps, await deps.store.get('users', key))) return;
    if (err instanceof AlreadyExistsError || err instanceof UniquenessError) throw taken(key);
    throw err;
  }
}

function taken(key: string): UniquenessError {
  return new UniquenessError(
    `the directory knows '${key}', but an EM user with that name in another spelling, or a local user, exists; sign in with that user's exact name, or ask an administrator`,
    { user: key },
  );
}

/** Names of the EM groups whose `Value.LdapGroups` lists one of the directory group names (case-insensitive). */
export async function emGroupsOf(store: ConfigStore, directoryGroups: readonly string[]): Promise<string[]> {
  const wanted = new Set(directoryGroups.map((g) => g.toLowerCase()));
  if (wanted.size === 0) return [];
  const out: string[] = [];
  for (let after: string | undefined; ; ) {
    const page = await store.list('groups', { limit: 500, ...(after === undefined ? {} : { after }) });
    for (const item of page) {
      const value = item.data['Value'];
      const ldap = isJsonObject(value) && Array.isArray(value['LdapGroups']) ? value['LdapGroups'] : [];
      if (ldap.some((g) => typeof g === 'string' && wanted.has(g.toLowerCase()))) out.push(item.key);
    }
    if (page.length < 500) return out;
    after = page[page.length - 1]?.key;
  }
}

/** The directory failed: the reason goes to the security log, the caller gets a message without infrastructure details. */
export function directoryUnavailable(cause: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError(
    'the sign-in directory (LDAP) could not be reached; try again later, or ask an administrator to check the security events and the LDAP settings',
    {},
    { cause },
  );
}
