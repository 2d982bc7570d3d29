import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryConfigStore } from '@envmgr/adapter-memory';
import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError, type Actor } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { aFixedClock, twoTeamsEstate } from '@envmgr/test-support';
import type { ConfigDeps, RequestContext } from '../context.js';
import { createItem, deleteItem } from '../config/write-items.js';
import { importConfig } from '../config/import-config.js';
import { exportConfig } from '../config/export-config.js';
import {
  changeEnvironmentOps,
  getEnvironmentOps,
  isEnvironmentActionProtected,
  lockDeployments,
  readEnvironmentOps,
  setMaintenance,
  unlockDeployments,
} from './environment-ops.js';

const actor = (name: string, permissions: Actor['permissions'] = [{ Resource: '**', Access: 'ADMIN' }]): Actor => ({ name, kind: 'user', user: name, permissions });
const as = (name: string, permissions?: Actor['permissions']): RequestContext => ({ actor: actor(name, permissions), requestId: `req-${name}` });
const AT = '2026-11-23T12:00:00.000Z';

async function seed(deps: ConfigDeps): Promise<void> {
  const admin = as('seed');
  for (const [type, doc] of twoTeamsEstate()) await createItem(deps, admin, type, doc);
}

/**
 * A store whose first read of an ops record lets `meanwhile` write before the read's (now stale) answer is returned:
 * a concurrent request that slips in between our read and our write.
 */
function racing(store: ConfigStore, meanwhile: () => Promise<unknown>): ConfigStore & { commits: number } {
  let raced = false;
  const wrapped = {
    ...store,
    commits: 0,
    async get(type: Parameters<ConfigStore['get']>[0], key: string) {
      const answer = await store.get(type, key);
      if (type === 'environment-ops' && !raced) {
        raced = true;
        await meanwhile();
      }
      return answer;
    },
    async commit(...args: Parameters<ConfigStore['commit']>) {
      wrapped.commits++;
      return store.commit(...args);
    },
  };
  return wrapped;
}

describe('environment ops use cases', () => {
  let deps: ConfigDeps;
  beforeEach(async () => {
    deps = { store: createMemoryConfigStore(), clock: aFixedClock(Date.parse(AT)), hasher: { sha256: (t) => t } };
    await seed(deps);
  });

  it('reads the defaults of an environment without a record', async () => {
    expect(await readEnvironmentOps(deps, 'c50')).toEqual({
      environment: 'c50',
      deploymentsLocked: false,
      inMaintenance: false,
      manualScheduleUp: false,
      scheduleAutomatically: false,
    });
  });

  it('locks with who, when and why, audited with the actor and the request id', async () => {
    const ops = await lockDeployments(deps, as('alice'), { environment: 'c50', reason: 'freeze' });
    expect(ops).toMatchObject({ deploymentsLocked: true, lock: { by: 'alice', at: AT, reason: 'freeze' }, version: 1 });
    expect(await readEnvironmentOps(deps, 'c50')).toEqual(ops);
    const [record] = await deps.store.queryAudit({ entityType: 'environment-ops', key: 'c50', limit: 5 });
    expect(record).toMatchObject({ actor: 'alice', requestId: 'req-alice', changeType: 'Created', version: 1 });
  });

  it('unlocks, forgetting the lock; an unlocked environment is left alone', async () => {
    await lockDeployments(deps, as('alice'), { environment: 'c50' });
    const ops = await unlockDeployments(deps, as('bob'), { environment: 'c50' });
    expect(ops).toMatchObject({ deploymentsLocked: false, version: 2 });
    expect(ops.lock).toBeUndefined();
    expect((await unlockDeployments(deps, as('bob'), { environment: 'c50' })).version).toBe(2);
    expect(await unlockDeployments(deps, as('bob'), { environment: 'w1' })).not.toHaveProperty('version');
  });

  it('loses no concurrent change: a racing create makes the lock read again and apply on top', async () => {
    const store = racing(deps.store, () => setMaintenance(deps, as('bob'), { environment: 'c50', inMaintenance: true, reason: 'disk' }));
    const ops = await lockDeployments({ ...deps, store }, as('alice'), { environment: 'c50', reason: 'freeze' });
    expect(store.commits).toBe(2);
    expect(ops).toMatchObject({
      deploymentsLocked: true,
      lock: { by: 'alice', reason: 'freeze' },
      inMaintenance: true,
      maintenance: { by: 'bob', reason: 'disk' },
      version: 2,
    });
  });

  it('loses no concurrent change: a racing update makes maintenance read again and apply on top', async () => {
    await lockDeployments(deps, as('alice'), { environment: 'c50' });
    const store = racing(deps.store, () => unlockDeployments(deps, as('carol'), { environment: 'c50' }));
    const ops = await setMaintenance({ ...deps, store }, as('bob'), { environment: 'c50', inMaintenance: true });
    expect(ops).toMatchObject({ deploymentsLocked: false, inMaintenance: true, version: 3 });
  });

  it('gives up after repeated conflicts, with the conflict', async () => {
    let n = 0;
    const store: ConfigStore = {
      ...deps.store,
      get: deps.store.get,
      commit: () => Promise.reject(new VersionConflictError('environment ops record', 'c50', ++n, n + 1)),
    };
    await expect(lockDeployments({ ...deps, store }, as('alice'), { environment: 'c50' })).rejects.toBeInstanceOf(VersionConflictError);
    expect(n).toBe(5);
  });

  it('throws NotFoundError for an unknown environment, before any permission check', async () => {
    const nobody = as('eve', []);
    await expect(lockDeployments(deps, nobody, { environment: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(setMaintenance(deps, as('alice'), { environment: 'nope', inMaintenance: true })).rejects.toBeInstanceOf(NotFoundError);
    await expect(getEnvironmentOps(deps, as('alice'), 'nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(await deps.store.list('environment-ops', { limit: 10 })).toEqual([]);
  });

  it("needs the route's permission for the environment's owning cluster and type", async () => {
    const infra = as('olga', [{ Resource: '/environments/*/deploy-lock', Access: 'PUT', Clusters: ['Infra'], EnvironmentTypes: ['Dev'] }]);
    await expect(lockDeployments(deps, infra, { environment: 'c50' })).resolves.toMatchObject({ deploymentsLocked: true });
    const err = await lockDeployments(deps, infra, { environment: 'w1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as ForbiddenError).details).toMatchObject({ missing: { resource: '/environments/w1/deploy-lock', access: 'PUT', clusters: ['Web'], environmentTypes: ['Prod'] } });
    await expect(unlockDeployments(deps, infra, { environment: 'c50' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setMaintenance(deps, infra, { environment: 'c50', inMaintenance: true })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses a protected action to everyone, administrators included', async () => {
    const schedule = (environment: string) =>
      changeEnvironmentOps(deps, as('admin'), {
        environment,
        write: { method: 'PUT', resource: `/environments/${environment}/schedule`, protectedAction: 'SCHEDULE_ENVIRONMENT' },
        change: (v) => ({ ...v, ScheduleAutomatically: true }),
      });
    await expect(schedule('c50')).resolves.toMatchObject({ scheduleAutomatically: true });
    const err = await schedule('w1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as ForbiddenError).code).toBe('protected-action');
    expect(await isEnvironmentActionProtected(deps, as('x', []), { environment: 'w1', action: 'SCHEDULE_ENVIRONMENT' })).toEqual({
      environment: 'w1',
      action: 'SCHEDULE_ENVIRONMENT',
      isProtected: true,
    });
  });

  it('refuses a reason longer than 500 characters', async () => {
    await expect(lockDeployments(deps, as('alice'), { environment: 'c50', reason: 'x'.repeat(501) })).rejects.toBeInstanceOf(ValidationError);
  });

  it('deletes the ops record with its environment, in one commit', async () => {
    await lockDeployments(deps, as('alice'), { environment: 'w1' });
    await deleteItem(deps, as('carol'), { type: 'environments', key: 'w1', expectedVersion: 1 });
    expect(await deps.store.get('environment-ops', 'w1')).toBeUndefined();
    const records = await deps.store.queryAudit({ actor: 'carol', limit: 5 });
    expect(records.map((r) => `${r.entityType}:${r.changeType}`)).toEqual(['environments:Deleted', 'environment-ops:Deleted']);
  });

  it('still refuses a stale environment version when deleting, ops record or not', async () => {
    await lockDeployments(deps, as('alice'), { environment: 'w1' });
    await expect(deleteItem(deps, as('carol'), { type: 'environments', key: 'w1', expectedVersion: 7 })).rejects.toBeInstanceOf(VersionConflictError);
    expect(await deps.store.get('environment-ops', 'w1')).toBeDefined();
  });

  it('re-reads an ops record changed between the read and the delete of its environment', async () => {
    await lockDeployments(deps, as('alice'), { environment: 'w1' });
    const store = racing(deps.store, () => setMaintenance(deps, as('bob'), { environment: 'w1', inMaintenance: true }));
    await deleteItem({ ...deps, store }, as('carol'), { type: 'environments', key: 'w1', expectedVersion: 1 });
    expect(store.commits).toBe(2);
    expect(await deps.store.get('environments', 'w1')).toBeUndefined();
    expect(await deps.store.get('environment-ops', 'w1')).toBeUndefined();
  });

  it('survives export and import', async () => {
    await lockDeployments(deps, as('alice'), { environment: 'c50', reason: 'freeze' });
    const doc = (await exportConfig(deps)) as { items: Record<string, { Version: number }[]> };
    const fresh: ConfigDeps = { ...deps, store: createMemoryConfigStore() };
    const items = Object.fromEntries(Object.entries(doc.items).map(([t, list]) => [t, list.map(({ Version, ...data }) => ({ data, version: Version }))]));
    await importConfig(fresh, as('admin'), { items, mode: 'merge', dryRun: false });
    expect(await readEnvironmentOps(fresh, 'c50')).toEqual(await readEnvironmentOps(deps, 'c50'));
  });
});
