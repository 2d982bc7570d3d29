import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, NotFoundError, VersionConflictError } from '@envmgr/domain';
import { DeploymentInProgressError, type DeploymentIndex, type DeploymentListQuery, type DeploymentStore } from './deployment-store.js';

/** The record the contract stores: the index fields at the top and a nested body the store must keep as it is. */
export interface ContractDeploymentRecord {
  id: string;
  state: string;
  target: { environment: string; service: string };
  requestedAtMs: number;
  log: string[];
  nodes: Record<string, { status: string; firstSeenMs: number; health?: string }>;
}

export interface DeploymentStoreFixture {
  store: DeploymentStore<ContractDeploymentRecord>;
  dispose(): Promise<void>;
}

const indexOf = (r: ContractDeploymentRecord): DeploymentIndex => ({
  id: r.id,
  state: r.state,
  environment: r.target.environment,
  service: r.target.service,
  requestedAtMs: r.requestedAtMs,
});

const rec = (id: string, at: number, over: { state?: string; env?: string; svc?: string } = {}): ContractDeploymentRecord => ({
  id,
  state: over.state ?? 'requested',
  target: { environment: over.env ?? 'pr1', service: over.svc ?? 'Web' },
  requestedAtMs: at,
  log: [`[2026-01-01T00:00:00.000Z] requested ${id}`],
  nodes: { 'i-1': { status: 'Not Started', firstSeenMs: at } },
});

/** The behaviour every DeploymentStore adapter shares. `setup` builds a store over the given `indexOf`. */
export function deploymentStoreContract(
  name: string,
  setup: (indexOf: (r: ContractDeploymentRecord) => DeploymentIndex) => Promise<DeploymentStoreFixture>,
): void {
  describe(`DeploymentStore contract: ${name}`, () => {
    let f: DeploymentStoreFixture;
    let store: DeploymentStore<ContractDeploymentRecord>;
    beforeEach(async () => {
      f = await setup(indexOf);
      store = f.store;
    });
    afterEach(() => f.dispose());
    const ids = async (q: DeploymentListQuery): Promise<string[]> => (await store.list(q)).map((s) => s.record.id);

    it('returns undefined for a missing deployment', async () => {
      expect(await store.get('nope')).toBeUndefined();
    });

    it('creates at version 1 and reads back the same record', async () => {
      const r = { ...rec('d1', 100), nodes: { 'i-1': { status: 'Success', firstSeenMs: 100, health: 'passing' } } };
      expect(await store.create(r)).toEqual({ record: r, version: 1 });
      expect(await store.get('d1')).toEqual({ record: r, version: 1 });
    });

    it('shares no object with the caller', async () => {
      const r = rec('d1', 100);
      const created = await store.create(r);
      r.log.push('changed after create');
      created.record.log.push('changed after return');
      const got = await store.get('d1');
      expect(got?.record.log).toHaveLength(1);
      got?.record.log.push('changed after get');
      expect((await store.get('d1'))?.record.log).toHaveLength(1);
    });

    it('refuses to create an existing id', async () => {
      await store.create(rec('d1', 100));
      await expect(store.create(rec('d1', 200, { env: 'other' }))).rejects.toBeInstanceOf(AlreadyExistsError);
      expect((await store.get('d1'))?.record.requestedAtMs).toBe(100);
    });

    it('updates with the current version, bumps it, and re-indexes the record', async () => {
      await store.create(rec('d1', 100));
      const next = { ...rec('d1', 100, { state: 'deploying' }), log: ['a', 'b'] };
      expect(await store.update(next, 1)).toEqual({ record: next, version: 2 });
      expect(await store.get('d1')).toEqual({ record: next, version: 2 });
      expect(await ids({ limit: 10, states: ['deploying'] })).toEqual(['d1']);
      expect(await ids({ limit: 10, states: ['requested'] })).toEqual([]);
    });

    it('refuses a stale version and reports the current one', async () => {
      await store.create(rec('d1', 100));
      await store.update(rec('d1', 100, { state: 'provisioning' }), 1);
      const err: unknown = await store.update(rec('d1', 100, { state: 'failed' }), 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionConflictError);
      expect((err as VersionConflictError).details).toMatchObject({ key: 'd1', expectedVersion: 1, currentVersion: 2 });
      expect((await store.get('d1'))?.record.state).toBe('provisioning');
    });

    it('refuses to update a missing deployment', async () => {
      await expect(store.update(rec('ghost', 100), 1)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lets exactly one of many concurrent writers of one version win', async () => {
      await store.create(rec('d1', 100));
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.update({ ...rec('d1', 100), log: [`w${i}`] }, 1)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(VersionConflictError);
      expect((await store.get('d1'))?.version).toBe(2);
    });

    it('lists newest first with filters, a cursor and a limit', async () => {
      await store.create(rec('a', 100));
      await store.create(rec('b', 300, { state: 'succeeded' }));
      await store.create(rec('c', 200, { env: 'pr2' }));
      await store.create(rec('d', 300, { svc: 'Api', state: 'failed' }));
      await store.create(rec('e', 50, { env: 'pr2', svc: 'Api', state: 'deploying' }));
      expect(await ids({ limit: 10 })).toEqual(['d', 'b', 'c', 'a', 'e']);
      expect(await ids({ limit: 2 })).toEqual(['d', 'b']);
      expect(await ids({ limit: 2, before: { requestedAtMs: 300, id: 'b' } })).toEqual(['c', 'a']);
      expect(await ids({ limit: 10, before: { requestedAtMs: 300, id: 'd' } })).toEqual(['b', 'c', 'a', 'e']);
      expect(await ids({ limit: 10, environment: 'pr2' })).toEqual(['c', 'e']);
      expect(await ids({ limit: 10, service: 'Api' })).toEqual(['d', 'e']);
      expect(await ids({ limit: 10, environment: 'pr2', service: 'Api' })).toEqual(['e']);
      expect(await ids({ limit: 10, states: ['succeeded', 'failed'] })).toEqual(['d', 'b']);
      expect(await ids({ limit: 10, states: [] })).toEqual([]);
      expect(await ids({ limit: 10, sinceMs: 200 })).toEqual(['d', 'b', 'c']);
      expect(await ids({ limit: 10, environment: 'PR1' })).toEqual([]);
      expect((await store.list({ limit: 1 }))[0]).toEqual({ record: rec('d', 300, { svc: 'Api', state: 'failed' }), version: 1 });
    });

    it('finds the active deployments of a service in an environment', async () => {
      await store.create(rec('old', 100, { state: 'succeeded' }));
      await store.create(rec('x', 200, { state: 'requested' }));
      await store.create(rec('y', 300, { state: 'deploying' }));
      await store.create(rec('z', 400, { state: 'provisioning', svc: 'Api' }));
      await store.create(rec('w', 500, { state: 'cancelled' }));
      expect((await store.findActive('pr1', 'Web')).map((s) => s.record.id)).toEqual(['y', 'x']);
      expect((await store.findActive('pr1', 'Api')).map((s) => s.record.id)).toEqual(['z']);
      expect(await store.findActive('pr2', 'Web')).toEqual([]);
    });

    it('refuses a second active deployment when asked, naming the active one', async () => {
      const uniqueActive = { environment: 'pr1', service: 'Web' };
      await store.create(rec('d1', 100), { uniqueActive });
      const err: unknown = await store.create(rec('d2', 200), { uniqueActive }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeploymentInProgressError);
      expect((err as DeploymentInProgressError).kind).toBe('conflict');
      expect((err as DeploymentInProgressError).details).toEqual({ environment: 'pr1', service: 'Web', activeDeploymentId: 'd1' });
      expect(await store.get('d2')).toBeUndefined();
      await store.create(rec('d3', 200, { env: 'pr2' }), { uniqueActive: { environment: 'pr2', service: 'Web' } });
      await store.update(rec('d1', 100, { state: 'failed' }), 1);
      await store.create(rec('d5', 300), { uniqueActive });
      expect((await store.findActive('pr1', 'Web')).map((s) => s.record.id)).toEqual(['d5']);
    });

    it('starts exactly one of many concurrent deployments of a service', async () => {
      const uniqueActive = { environment: 'pr1', service: 'Web' };
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.create(rec(`d${i}`, 100 + i), { uniqueActive })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DeploymentInProgressError);
      expect(await store.findActive('pr1', 'Web')).toHaveLength(1);
    });
  });
}
