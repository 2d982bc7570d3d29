import { describe, expect, it } from 'vitest';
import { createInProcessLock, createMemoryConfigStore } from '@envmgr/adapter-memory';
import { createMemoryBlobStore } from '@envmgr/ports/testing';
import { DependencyUnavailableError } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aFixedClock, aService } from '@envmgr/test-support';
import type { RequestContext } from '../context.js';
import { createItem, deleteItem, updateItem } from '../config/write-items.js';
import { exportConfig } from '../config/export-config.js';
import { REPLICATED_TYPES, type ReplicaTarget, type ReplicationDeps } from './replication-deps.js';
import { createReplicationJob, replicateNow } from './replication-job.js';
import { replicationStatus } from './replication-status.js';

const admin: RequestContext = { actor: { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'r1' };
const reader: RequestContext = { actor: { name: 'bob', kind: 'user', user: 'bob', permissions: [{ Resource: '/config/**', Access: 'PUT' }] }, requestId: 'r2' };
const hasher = { sha256: (t: string) => `h${t.length}` };

/** A target over a store that lives on across passes (the pass closes what it opens). */
const targetOf = (account: string, store: ConfigStore): ReplicaTarget => ({ account, open: async () => ({ ...store, close: async () => {} }) });

function setup() {
  const clock = aFixedClock(Date.UTC(2026, 2, 1, 12));
  const master = createMemoryConfigStore();
  const a = createMemoryConfigStore();
  const b = createMemoryConfigStore();
  let bDown = false;
  const targets = [
    targetOf('111111111111', a),
    { account: '222222222222', open: async () => (bDown ? Promise.reject(new DependencyUnavailableError('account 222222222222 did not answer')) : { ...b, close: async () => {} }) },
  ];
  const deps: ReplicationDeps = { store: master, blobs: createMemoryBlobStore({ clock }), clock, targets: async () => targets };
  const job = createReplicationJob(deps, { lock: createInProcessLock({ clock }), holder: 'test' });
  const config = { store: master, clock, hasher };
  return { deps, job, master, a, b, clock, config, setDown: (down: boolean) => (bDown = down) };
}

async function fill(config: { store: ConfigStore; clock: { now(): number }; hasher: typeof hasher }): Promise<void> {
  await createItem(config, admin, 'clusters', aCluster());
  await createItem(config, admin, 'environment-types', anEnvironmentType());
  await createItem(config, admin, 'services', aService('Search'));
  await createItem(config, admin, 'deployment-maps', aDeploymentMap('Standard', ['Search']));
  await createItem(config, admin, 'environments', anEnvironment());
  // accounts are not replicated
  await createItem(config, admin, 'accounts', { AccountNumber: '111111111111', AccountName: 'Dev', RoleArn: 'arn:aws:iam::111111111111:role/x', IncludeAMIs: false });
}

const replicated = async (store: ConfigStore) => JSON.stringify(await exportConfig({ store }, REPLICATED_TYPES));

describe('replication to child accounts', () => {
  it('copies the common tables, reports the lag, and drops it to 0 once in step', async () => {
    const { deps, job, master, a, b, config } = setup();
    await fill(config);
    expect((await replicationStatus(deps, reader)).map((s) => s.state)).toEqual(['pending', 'pending']);
    const first = await job.run();
    expect(first.ran).toBe(true);
    expect(first.accounts.map((s) => [s.state, s.pendingChanges, s.lagMs])).toEqual([['in-sync', 0, 0], ['in-sync', 0, 0]]);
    expect(first.accounts[0]?.lastPass).toMatchObject({ created: 5, updated: 0, deleted: 0, unchanged: 0 });
    expect(await replicated(a)).toBe(await replicated(master));
    expect(await replicated(b)).toBe(await replicated(master));
    expect(await a.get('accounts', '111111111111')).toBeUndefined();

    await updateItem(config, admin, { type: 'services', key: 'Search', data: { ...aService('Search'), Value: { ...(aService('Search').Value as object), Description: 'new' } }, expectedVersion: 1 });
    const status = await replicationStatus(deps, reader);
    expect(status.map((s) => [s.state, s.pendingChanges])).toEqual([['behind', 1], ['behind', 1]]);
  });

  it('writes only what changed, and propagates deletions', async () => {
    const { job, master, a, config } = setup();
    await fill(config);
    await job.run();
    const auditAfterFirst = (await a.auditChain(0, 1000)).length;
    const again = await job.run();
    expect(again.accounts[0]?.lastPass).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 5, commits: 0 });
    expect((await a.auditChain(0, 1000)).length).toBe(auditAfterFirst);

    await deleteItem(config, admin, { type: 'environments', key: 'c50', expectedVersion: 1 });
    await updateItem(config, admin, { type: 'clusters', key: 'Infra', data: aCluster('Infra', { ShortName: 'IF' }), expectedVersion: 1 });
    const third = await job.run();
    expect(third.accounts[0]?.lastPass).toMatchObject({ created: 0, updated: 1, deleted: 1, unchanged: 3 });
    expect(await a.get('environments', 'c50')).toBeUndefined();
    expect(await replicated(a)).not.toContain('"c50"');
    expect((await a.get('clusters', 'Infra'))?.data).toEqual(aCluster('Infra', { ShortName: 'IF' }));
    expect(await replicated(a)).toBe(await replicated(master));
  });

  it("records one account's failure without stopping the other, and catches up when it is back", async () => {
    const { deps, job, master, a, b, config, setDown } = setup();
    await fill(config);
    setDown(true);
    const down = await job.run();
    expect(down.accounts.map((s) => s.state)).toEqual(['in-sync', 'failing']);
    expect(down.accounts[1]?.error).toEqual({ code: 'dependency-unavailable', message: 'account 222222222222: account 222222222222 did not answer' });
    expect(await replicated(a)).toBe(await replicated(master));
    expect((await replicationStatus(deps, reader))[1]).toMatchObject({ state: 'failing', pendingChanges: null, lagMs: null });

    setDown(false);
    const back = await job.run();
    expect(back.accounts.map((s) => s.state)).toEqual(['in-sync', 'in-sync']);
    expect(back.accounts[1]?.error).toBeUndefined();
    expect(await replicated(b)).toBe(await replicated(master));
  });

  it('lets only administrators run a pass', async () => {
    const { job } = setup();
    await expect(replicateNow(job, reader)).rejects.toMatchObject({ kind: 'forbidden' });
    expect((await replicateNow(job, admin)).ran).toBe(true);
  });
});
