import { ForbiddenError, NotFoundError, ValidationError, type Actor, type JsonObject } from '@envmgr/domain';
import type { ApiTokenRecord } from '@envmgr/ports';
import type { IdentityDeps } from './identity-deps.js';
import { API_TOKEN_PREFIX } from './authenticate.js';
import { actorIsAdmin, requirePasswordSignIn, requireSignedIn } from './access.js';
import { event } from './sign-in.js';

/** A token as shown to people: never its secret or hash. */
export type ApiTokenView = Omit<ApiTokenRecord, 'secretHash'>;

export const view = ({ secretHash: _hidden, ...rest }: ApiTokenRecord): ApiTokenView => rest;

const MAX_DAYS = 366;

/**
 * Creates an API token for the signed-in user (tokens cannot mint tokens). Its secret is returned once and only its
 * hash is kept. `permissions` limits the token to a subset of the owner's permissions (checked on every use).
 */
export async function createApiToken(
  deps: IdentityDeps,
  ctx: { actor: Actor; requestId: string; address: string | undefined },
  cmd: { name: string; expiresInDays: number; permissions: JsonObject[] | null },
): Promise<{ token: string; record: ApiTokenView }> {
  requireSignedIn(ctx.actor);
  if (ctx.actor.kind !== 'user' || !ctx.actor.user) throw new ForbiddenError('API tokens are created by a signed-in user, not by another token', {}, 'token-cannot-mint');
  if (cmd.expiresInDays > MAX_DAYS) throw new ValidationError([{ path: 'expiresInDays', message: `must be at most ${MAX_DAYS}` }]);
  const id = deps.random.token(9).replace(/[-_]/g, 'x');
  const secret = deps.random.token(32);
  const now = deps.clock.now();
  const record: ApiTokenRecord = {
    id,
    owner: ctx.actor.user,
    name: cmd.name,
    secretHash: deps.hasher.sha256(secret),
    permissions: cmd.permissions,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + cmd.expiresInDays * 86_400_000).toISOString(),
    revokedAt: null,
  };
  await deps.credentials.createToken(record);
  await event(deps, ctx, 'token-created', ctx.actor.user, `token ${id}: ${cmd.name}`, ctx.actor.name);
  return { token: `${API_TOKEN_PREFIX}${id}_${secret}`, record: view(record) };
}

/** The caller's tokens; administrators may list anyone's (`owner`) or all. */
export async function listApiTokens(deps: IdentityDeps, actor: Actor, owner: string | undefined): Promise<ApiTokenView[]> {
  requireSignedIn(actor);
  const who = actorIsAdmin(actor) ? owner : actor.user;
  if (!actorIsAdmin(actor) && owner !== undefined && owner !== actor.user) throw new ForbiddenError("only administrators may list other users' tokens");
  return (await deps.credentials.listTokens(who === undefined ? {} : { owner: who })).map(view);
}

/** Revokes one of the caller's tokens (administrators: anyone's). */
export async function revokeApiToken(deps: IdentityDeps, ctx: { actor: Actor; requestId: string; address: string | undefined }, id: string): Promise<void> {
  // a token may revoke itself (e.g. a pipeline cleaning up), but managing other tokens needs a password sign-in
  if (!(ctx.actor.kind === 'token' && ctx.actor.name.endsWith(`/token:${id}`))) requirePasswordSignIn(ctx.actor, 'revoking API tokens');
  const record = await deps.credentials.getToken(id);
  if (!record || (record.owner !== ctx.actor.user && !actorIsAdmin(ctx.actor))) throw new NotFoundError('API token', id);
  await deps.credentials.revokeToken(id, new Date(deps.clock.now()).toISOString());
  await event(deps, ctx, 'token-revoked', record.owner, `token ${id}`, ctx.actor.name);
}
