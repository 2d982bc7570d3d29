import {
  checkWrite,
  ENTITIES,
  itemFacts,
  NotFoundError,
  OWNED_TYPES,
  PreconditionRequiredError,
  ValidationError,
  VersionConflictError,
  type ConfigItem,
  type EntityType,
  type JsonObject,
} from '@envmgr/domain';
import type { ChangeContext, ConfigChange } from '@envmgr/ports';
import type { ConfigDeps, RequestContext } from '../context.js';
import { loadPeers, loadResolver, overlayKey } from './resolver.js';
import { configResource, configScope, requirePermission } from '../identity/access.js';
import { assertAdminRemains } from '../identity/last-admin.js';

export function changeContext(deps: ConfigDeps, req: RequestContext): ChangeContext {
  return { actor: req.actor.name, requestId: req.requestId, at: new Date(deps.clock.now()).toISOString() };
}

/**
 * The one gate of every configuration write: the actor's permission for the method on the item's resource, for the
 * clusters and environment types the item touches before and after the change; then the cross-entity rules.
 */
async function authorizeAndCheck(
  deps: ConfigDeps,
  req: RequestContext,
  w: { method: string; resource: string; type: EntityType; data: JsonObject | undefined; before: JsonObject | undefined },
): Promise<void> {
  const pending = [w.data, w.before].filter((d): d is JsonObject => d !== undefined).map((d) => ({ type: w.type, data: d }));
  const resolve = await loadResolver(deps.store, pending);
  const scopes = pending.map((p) => configScope(w.type, p.data, resolve));
  requirePermission(req.actor, {
    method: w.method,
    resource: w.resource,
    clusters: [...new Set(scopes.flatMap((s) => s.clusters))],
    environmentTypes: [...new Set(scopes.flatMap((s) => s.environmentTypes))],
  });
  if (!w.data) return;
  const key = ENTITIES[w.type].keyOf(w.data);
  const peers = await loadPeers(deps.store, [w.type], new Map(key !== undefined ? [[overlayKey(w.type, key), w.data]] : []));
  const problems = checkWrite(w.type, w.data, { resolve, before: w.before, peers });
  if (problems.length) throw new ValidationError(problems);
}

function keyOrThrow(type: EntityType, data: JsonObject): string {
  const key = ENTITIES[type].keyOf(data);
  if (key === undefined) {
    throw new ValidationError(ENTITIES[type].keyFields.map((f) => ({ path: f, message: 'is required' })));
  }
  return key;
}

async function commitOne(deps: ConfigDeps, req: RequestContext, change: ConfigChange): Promise<ConfigItem | undefined> {
  const { items } = await deps.store.commit([change], changeContext(deps, req));
  return items[0];
}

/** Creates an item at version 1. Throws ValidationError, AlreadyExistsError, UniquenessError. */
export async function createItem(deps: ConfigDeps, req: RequestContext, type: EntityType, data: JsonObject): Promise<ConfigItem> {
  const key = keyOrThrow(type, data);
  await authorizeAndCheck(deps, req, { method: 'POST', resource: configResource(type), type, data, before: undefined });
  const item = await commitOne(deps, req, { op: 'create', type, key, data, ...itemFacts(type, data) });
  return item as ConfigItem;
}

/**
 * Replaces an item's data if it is still at `expectedVersion` (PreconditionRequiredError when it is not given). The key fields of `data` must name the same item.
 * Throws NotFoundError, VersionConflictError, ValidationError, UniquenessError.
 */
export async function updateItem(
  deps: ConfigDeps,
  req: RequestContext,
  cmd: { type: EntityType; key: string; data: JsonObject; expectedVersion: number | undefined },
): Promise<ConfigItem> {
  const { type, key, data } = cmd;
  const expectedVersion = requireVersion(type, key, cmd.expectedVersion);
  const dataKey = keyOrThrow(type, data);
  if (dataKey !== key) {
    throw new ValidationError([{ path: ENTITIES[type].keyFields.join('+'), message: `names '${dataKey}', but the URL names '${key}'; keys cannot be changed` }]);
  }
  const before = await deps.store.get(type, key);
  if (!before) throw new NotFoundError(ENTITIES[type].label, key);
  await authorizeAndCheck(deps, req, { method: 'PUT', resource: configResource(type, key), type, data, before: before.data });
  await assertAdminRemains(deps.store, { type, key, data });
  const item = await commitOne(deps, req, { op: 'update', type, key, data, expectedVersion, ...itemFacts(type, data) });
  return item as ConfigItem;
}

/**
 * Deletes an item at `expectedVersion`, with the items it owns (an environment's ops record) in the same commit.
 * Throws NotFoundError, VersionConflictError, ReferencedError.
 */
export async function deleteItem(
  deps: ConfigDeps,
  req: RequestContext,
  cmd: { type: EntityType; key: string; expectedVersion: number | undefined },
): Promise<void> {
  const expectedVersion = requireVersion(cmd.type, cmd.key, cmd.expectedVersion);
  const before = await deps.store.get(cmd.type, cmd.key);
  if (!before) throw new NotFoundError(ENTITIES[cmd.type].label, cmd.key);
  await authorizeAndCheck(deps, req, { method: 'DELETE', resource: configResource(cmd.type, cmd.key), type: cmd.type, data: undefined, before: before.data });
  await assertAdminRemains(deps.store, { type: cmd.type, key: cmd.key, data: undefined });
  await commitWithCascade(deps, req, { op: 'delete', type: cmd.type, key: cmd.key, expectedVersion });
  if (cmd.type === 'users' && deps.credentials) await forgetCredentials(deps.credentials, cmd.key, deps.clock.now());
}

/** Deletes of the items the deleted item owns, at their current versions; they come first, as referrers. */
async function cascadeOf(store: ConfigDeps['store'], type: EntityType, key: string): Promise<ConfigChange[]> {
  const owned = await Promise.all((OWNED_TYPES[type] ?? []).map((t) => store.get(t, key)));
  return owned.flatMap((item) => (item ? [{ op: 'delete' as const, type: item.type, key: item.key, expectedVersion: item.version }] : []));
}

/**
 * Deletes an item together with what it owns, in one commit, so the audit records both under the request. An owned
 * item changed since it was read (a lock taken meanwhile) is read again; the item's own stale version is the caller's.
 */
async function commitWithCascade(deps: ConfigDeps, req: RequestContext, change: Extract<ConfigChange, { op: 'delete' }>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const cascade = await cascadeOf(deps.store, change.type, change.key);
    try {
      await deps.store.commit([...cascade, change], changeContext(deps, req));
      return;
    } catch (err) {
      if (!(err instanceof VersionConflictError) || cascade.length === 0 || attempt >= 3) throw err;
      if ((await deps.store.get(change.type, change.key))?.version !== change.expectedVersion) throw err;
    }
  }
}

/** A deleted user's password and tokens must not come back if the name is used again. */
async function forgetCredentials(credentials: NonNullable<ConfigDeps['credentials']>, user: string, nowMs: number): Promise<void> {
  await credentials.deletePasswordHash(user);
  for (const t of await credentials.listTokens({ owner: user })) if (!t.revokedAt) await credentials.revokeToken(t.id, new Date(nowMs).toISOString());
}

/**
 * Restores the data an item had at an earlier version, as a new version (or re-creates a deleted item).
 * `expectedVersion` is the current version; it is not needed when the item is deleted.
 */
export async function revertItem(
  deps: ConfigDeps,
  req: RequestContext,
  cmd: { type: EntityType; key: string; toVersion: number; expectedVersion: number | undefined },
): Promise<ConfigItem> {
  const { type, key, toVersion } = cmd;
  const label = ENTITIES[type].label;
  const records = await deps.store.queryAudit({ entityType: type, key, version: toVersion, limit: 10 });
  const target = records.find((r) => r.after !== null);
  if (!target?.after) throw new NotFoundError(`version ${toVersion} of ${label}`, key);
  const current = await deps.store.get(type, key);
  if (current) {
    return updateItem(deps, req, { type, key, data: target.after, expectedVersion: cmd.expectedVersion });
  }
  const [last] = await deps.store.queryAudit({ entityType: type, key, limit: 1 });
  await authorizeAndCheck(deps, req, { method: 'POST', resource: configResource(type), type, data: target.after, before: undefined });
  const item = await commitOne(deps, req, {
    op: 'create',
    type,
    key,
    data: target.after,
    version: (last?.version ?? 0) + 1,
    ...itemFacts(type, target.after),
  });
  return item as ConfigItem;
}

function requireVersion(type: EntityType, key: string, expectedVersion: number | undefined): number {
  if (expectedVersion === undefined) throw new PreconditionRequiredError(ENTITIES[type].label, key);
  return expectedVersion;
}
