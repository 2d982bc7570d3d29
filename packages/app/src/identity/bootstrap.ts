import { AlreadyExistsError, ForbiddenError, NotFoundError, systemActor, ValidationError, type Actor } from '@envmgr/domain';
import type { ChangeContext } from '@envmgr/ports';
import { itemFacts } from '@envmgr/domain';
import type { IdentityDeps } from './identity-deps.js';
import { actorIsAdmin, requirePasswordSignIn } from './access.js';
import { event } from './sign-in.js';

export const ADMIN_USER = 'admin';
export const ADMIN_GROUP = 'Administrators';

/**
 * On a store without users: creates group Administrators, its permission set `{Resource: '**', Access: 'ADMIN'}`
 * and user `admin` in it with the given password, as `system:bootstrap`. Returns false (and does nothing) when any
 * user exists already.
 */
export async function bootstrapAdmin(deps: IdentityDeps, password: string, requestId: string): Promise<boolean> {
  if ((await deps.store.list('users', { limit: 1 })).length > 0) return false;
  const actor = systemActor('bootstrap');
  const ctx: ChangeContext = { actor: actor.name, requestId, at: new Date(deps.clock.now()).toISOString() };
  const group = { GroupName: ADMIN_GROUP, Value: { Description: 'may do everything' } };
  const perms = { Name: ADMIN_GROUP, Permissions: [{ Resource: '**', Access: 'ADMIN' }] };
  const user = { UserName: ADMIN_USER, Value: { DisplayName: 'Administrator', Groups: [ADMIN_GROUP], Source: 'local' } };
  // the group or its set may have outlived every user (say after an import); create only what is missing
  const hasGroup = (await deps.store.get('groups', ADMIN_GROUP)) !== undefined;
  const hasSet = (await deps.store.get('permissions', ADMIN_GROUP)) !== undefined;
  try {
    await deps.store.commit(
      [
        ...(hasGroup ? [] : [{ op: 'create' as const, type: 'groups' as const, key: ADMIN_GROUP, data: group, ...itemFacts('groups', group) }]),
        ...(hasSet ? [] : [{ op: 'create' as const, type: 'permissions' as const, key: ADMIN_GROUP, data: perms, ...itemFacts('permissions', perms) }]),
        { op: 'create', type: 'users', key: ADMIN_USER, data: user, ...itemFacts('users', user) },
      ],
      ctx,
    );
  } catch (err) {
    // another server sharing the store bootstrapped at the same moment: its administrator stands, with its password
    if (err instanceof AlreadyExistsError) return false;
    throw err;
  }
  await deps.credentials.setPasswordHash(ADMIN_USER, await deps.passwords.hash(password));
  await event(deps, { address: undefined, requestId }, 'admin-bootstrapped', ADMIN_USER, null, actor.name);
  return true;
}

export const MIN_PASSWORD_LENGTH = 12;

/** Sets a local user's password: the user themself or an administrator. */
export async function setPassword(
  deps: IdentityDeps,
  ctx: { actor: Actor; requestId: string; address: string | undefined },
  cmd: { user: string; password: string },
): Promise<void> {
  requirePasswordSignIn(ctx.actor, 'setting a password');
  if (ctx.actor.user !== cmd.user && !actorIsAdmin(ctx.actor)) throw new ForbiddenError("only administrators may set another user's password");
  if (!(await deps.store.get('users', cmd.user))) throw new NotFoundError('user', cmd.user);
  if (cmd.password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError([{ path: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }]);
  }
  await deps.credentials.setPasswordHash(cmd.user, await deps.passwords.hash(cmd.password));
  await event(deps, ctx, 'password-set', cmd.user, null, ctx.actor.name);
}
