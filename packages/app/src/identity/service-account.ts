import { itemFacts, systemActor, type JsonObject } from '@envmgr/domain';
import type { IdentityDeps } from './identity-deps.js';
import { API_TOKEN_PREFIX } from './authenticate.js';
import { event } from './sign-in.js';

export interface ServiceAccount {
  /** User name, e.g. `envmgr-agent`. */
  user: string;
  /** The permission set named after the user. */
  permissions: JsonObject[];
  /** How long each issued token lives. */
  tokenDays: number;
}

/**
 * Makes sure a user with its permission set exists for a process EM runs itself (the deployment agents), and issues
 * it a fresh API token. Created as `system:bootstrap`, audited like any write. The caller keeps the token secret.
 */
export async function issueServiceToken(deps: IdentityDeps, account: ServiceAccount, requestId: string): Promise<string> {
  const actor = systemActor('bootstrap');
  const ctx = { actor: actor.name, requestId, at: new Date(deps.clock.now()).toISOString() };
  if (!(await deps.store.get('users', account.user))) {
    const user = { UserName: account.user, Value: { DisplayName: 'service account of Environment Manager', Source: 'local' } };
    const perms = { Name: account.user, Permissions: account.permissions };
    const exists = await deps.store.get('permissions', account.user);
    await deps.store.commit(
      [
        ...(exists ? [] : [{ op: 'create' as const, type: 'permissions' as const, key: account.user, data: perms, ...itemFacts('permissions', perms) }]),
        { op: 'create', type: 'users', key: account.user, data: user, ...itemFacts('users', user) },
      ],
      ctx,
    );
  }
  const id = deps.random.token(9).replace(/[-_]/g, 'x');
  const secret = deps.random.token(32);
  const now = deps.clock.now();
  await deps.credentials.createToken({
    id,
    owner: account.user,
    name: `${account.user} (issued at start-up)`,
    secretHash: deps.hasher.sha256(secret),
    permissions: null,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + account.tokenDays * 86_400_000).toISOString(),
    revokedAt: null,
  });
  await event(deps, { address: undefined, requestId }, 'token-created', account.user, `token ${id} for a service account`, actor.name);
  return `${API_TOKEN_PREFIX}${id}_${secret}`;
}
