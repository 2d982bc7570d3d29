import {
  authorize,
  ForbiddenError,
  isAdmin,
  stringAt,
  UnauthenticatedError,
  type AccessRequest,
  type Actor,
  type EntityType,
  type JsonObject,
  type Resolve,
} from '@envmgr/domain';

/** Throws 401 for anonymous callers: every read needs a signed-in user. */
export function requireSignedIn(actor: Actor): void {
  if (actor.kind !== 'anonymous') return;
  if (actor.refused) throw new UnauthenticatedError(actor.refused.code as UnauthenticatedError['code'], actor.refused.message);
  throw new UnauthenticatedError('login-required', 'sign in first: POST /api/v1/login, or envmgr login');
}

/** Only a password sign-in (not an API token) may manage credentials: tokens, passwords. */
export function requirePasswordSignIn(actor: Actor, what: string): void {
  requireSignedIn(actor);
  if (actor.kind !== 'user') throw new ForbiddenError(`${what} needs a password sign-in (envmgr login), not an API token`, {}, 'token-cannot-mint');
}

/**
 * Throws 403 unless the actor (and its token's limit) may make this write; `protectedAction` (an action and the
 * environment type's `ProtectedActions`) refuses everyone when the type protects the action (403 `protected-action`).
 */
export function requirePermission(
  actor: Actor,
  req: { method: string; resource: string; clusters?: string[]; environmentTypes?: string[]; protectedAction?: AccessRequest['protectedAction'] },
): void {
  requireSignedIn(actor);
  const request: AccessRequest = {
    method: req.method,
    resource: req.resource,
    clusters: req.clusters ?? [],
    environmentTypes: req.environmentTypes ?? [],
    ...(req.protectedAction ? { protectedAction: req.protectedAction } : {}),
  };
  for (const list of [actor.permissions, ...(actor.tokenPermissions ? [actor.tokenPermissions] : [])]) {
    const decision = authorize(list, request);
    if (!decision.allowed) {
      throw new ForbiddenError(decision.reason, { missing: decision.missing }, decision.code === 'protected-action' ? 'protected-action' : 'permission-denied');
    }
  }
}

export function requireAdmin(actor: Actor, what: string): void {
  requireSignedIn(actor);
  const admin = isAdmin(actor.permissions) && (!actor.tokenPermissions || isAdmin(actor.tokenPermissions));
  if (!admin) throw new ForbiddenError(`only administrators may ${what}`, { missing: { resource: '**', access: 'ADMIN', clusters: [], environmentTypes: [] } });
}

export function actorIsAdmin(actor: Actor): boolean {
  return isAdmin(actor.permissions) && (!actor.tokenPermissions || isAdmin(actor.tokenPermissions));
}

/**
 * Whose cluster and environment type a configuration item touches (SPEC §9): environments, their ops records, LB
 * settings and upstreams → the environment's owner and type; services → their owner; other types → none.
 */
export function configScope(type: EntityType, data: JsonObject, resolve: Resolve): { clusters: string[]; environmentTypes: string[] } {
  const of = (env: JsonObject | undefined) => ({
    clusters: compact([env && stringAt(env, 'Value.OwningCluster')]),
    environmentTypes: compact([env && stringAt(env, 'Value.EnvironmentType')]),
  });
  switch (type) {
    case 'environments':
      return of(data);
    case 'services':
      return { clusters: compact([stringAt(data, 'OwningCluster')]), environmentTypes: [] };
    case 'lb-settings':
    case 'environment-ops':
      return of(envOf(resolve, stringAt(data, 'EnvironmentName')));
    case 'upstreams':
      return of(envOf(resolve, stringAt(data, 'Value.EnvironmentName')));
    default:
      return { clusters: [], environmentTypes: [] };
  }
}

function envOf(resolve: Resolve, name: string | undefined): JsonObject | undefined {
  return name ? resolve('environments', name) : undefined;
}

function compact(values: (string | undefined)[]): string[] {
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** The path a permission's Resource glob is matched against for a write to one configuration item. */
export function configResource(type: EntityType, key?: string): string {
  if (key === undefined) return `/config/${type}`;
  // upstream keys are `/<env>_<name>/config`; their URL (and so their resource) is `/config/upstreams/<env>_<name>`
  const urlKey = type === 'upstreams' ? key.replace(/^\//, '').replace(/\/config$/, '') : key;
  return `/config/${type}/${urlKey}`;
}

/** Types only administrators may read, besides a user's own item (and permission set named after them). */
const PRIVATE_TYPES: readonly EntityType[] = ['users', 'permissions'];

/** Reads need a signed-in user; users and permission sets are readable by administrators and by the user concerned. */
export function requireRead(actor: Actor, type: EntityType, key?: string): void {
  requireSignedIn(actor);
  if (!PRIVATE_TYPES.includes(type) || actorIsAdmin(actor)) return;
  if (key !== undefined && key === actor.user) return;
  requireAdmin(actor, `read ${type === 'users' ? 'other users' : 'permission sets'}`);
}
