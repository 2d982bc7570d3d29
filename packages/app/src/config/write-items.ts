import {
  checkItem,
  ENTITIES,
  itemFacts,
  NotFoundError,
  PreconditionRequiredError,
  ValidationError,
  type ConfigItem,
  type EntityType,
  type JsonObject,
} from '@envmgr/domain';
import type { ChangeContext, ConfigChange } from '@envmgr/ports';
import type { ConfigDeps, RequestContext } from '../context.js';
import { loadResolver } from './resolver.js';

export function changeContext(deps: ConfigDeps, req: RequestContext): ChangeContext {
  return { actor: req.actor.name, requestId: req.requestId, at: new Date(deps.clock.now()).toISOString() };
}

async function assertValid(deps: ConfigDeps, type: EntityType, data: JsonObject, before: JsonObject | undefined): Promise<void> {
  const resolve = await loadResolver(deps.store, [{ type, data }]);
  const problems = checkItem(type, data, { resolve, before });
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
  await assertValid(deps, type, data, undefined);
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
  await assertValid(deps, type, data, before.data);
  const item = await commitOne(deps, req, { op: 'update', type, key, data, expectedVersion, ...itemFacts(type, data) });
  return item as ConfigItem;
}

/** Deletes an item at `expectedVersion`. Throws NotFoundError, VersionConflictError, ReferencedError. */
export async function deleteItem(
  deps: ConfigDeps,
  req: RequestContext,
  cmd: { type: EntityType; key: string; expectedVersion: number | undefined },
): Promise<void> {
  const expectedVersion = requireVersion(cmd.type, cmd.key, cmd.expectedVersion);
  await commitOne(deps, req, { op: 'delete', type: cmd.type, key: cmd.key, expectedVersion });
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
  await assertValid(deps, type, target.after, undefined);
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
