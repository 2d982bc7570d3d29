import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessLock } from '@envmgr/adapter-memory';
import { createItem, createReplicationJob, exportConfig, REPLICATED_TYPES, replicationStatus, updateItem, type RequestContext } from '@envmgr/app';
import { createDynamoConfigStore, createTables } from '@envmgr/adapter-store-dynamodb';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from '@envmgr/adapter-store-dynamodb/testing';
import type { EntityType, JsonObject } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { createMemoryBlobStore } from '@envmgr/ports/testing';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aNotificationSettings, aService } from '@envmgr/test-support';
import { replicaTargets } from './replica-targets.js';

const admin: RequestContext = { actor: { name: 'alice', kind: 'user', user: 'alice', permissions: [{ Resource: '**', Access: 'ADMIN' }] }, requestId: 'r1' };
const hasher = { sha256: (t: string) => createHash('sha256').update(t).digest('hex') };
const clock = { now: () => Date.now() };
const A = '111111111111';
const B = '222222222222';
const missing = dynamoDbLocalMissing();
if (missing) console.warn(`skipping replication to child accounts on DynamoDB Local: ${missing}`);

/** Enough services that a first pass does not fit one DynamoDB transaction (100 writes), so it takes several commits. */
async function fill(store: ConfigStore, services: number): Promise<void> {
  const config = { store, clock, hasher };
  const items: [EntityType, JsonObject][] = [
    ['accounts', { AccountNumber: A, AccountName: 'Dev', RoleArn: `arn:aws:iam::${A}:role/roleInfraEnvironmentManagerChild`, IncludeAMIs: false }],
    ['accounts', { AccountNumber: B, AccountName: 'Prod', RoleArn: `arn:aws:iam::${B}:role/roleInfraEnvironmentManagerChild`, IncludeAMIs: false }],
    ['notification-settings', aNotificationSettings()],
    ['clusters', aCluster('Infra', { NotificationSettingsId: 'infra' })],
    ['environment-types', anEnvironmentType()],
    ...Array.from({ length: services }, (_, i): [EntityType, JsonObject] => ['services', aService(`Svc${String(i).padStart(3, '0')}`, [43000 + 2 * i, 43001 + 2 * i])]),
    ['deployment-maps', aDeploymentMap('Standard', ['Svc000'])],
    ['environments', anEnvironment('c50', { DeploymentMap: 'Standard' })],
  ];
  for (const [type, data] of items) await createItem(config, admin, type, data);
}

const replicated = async (store: ConfigStore) => JSON.stringify(await exportConfig({ store }, REPLICATED_TYPES));

describe.skipIf(missing !== undefined)('replication to two child accounts on DynamoDB Local', () => {
  let servers: DynamoDbLocal[] = [];
  let master: ConfigStore;
  const children = new Map<string, ConfigStore>();

  beforeAll(async () => {
    servers = await Promise.all([startDynamoDbLocal(), startDynamoDbLocal(), startDynamoDbLocal()]);
    await Promise.all(servers.map((s) => createTables({ client: s.client(), only: ['config'] })));
    const [m, a, b] = servers as [DynamoDbLocal, DynamoDbLocal, DynamoDbLocal];
    master = createDynamoConfigStore({ client: m.client() });
    children.set(A, createDynamoConfigStore({ client: a.client() }));
    children.set(B, createDynamoConfigStore({ client: b.client() }));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('converges, drops the lag to 0, carries a change to both, and goes on past a child that is down', async () => {
    await fill(master, 30);
    const [, a, b] = servers as [DynamoDbLocal, DynamoDbLocal, DynamoDbLocal];
    // the stand-ins need no credentials; in AWS the same targets assume each account's child role
    const targets = replicaTargets({ store: master, region: 'eu-west-1', endpoints: new Map([[A, a.endpoint], [B, b.endpoint]]) });
    const deps = { store: master, blobs: createMemoryBlobStore({ clock }), clock, targets };
    const job = createReplicationJob(deps, { lock: createInProcessLock({ clock }), holder: 'test' });

    expect((await replicationStatus(deps, admin)).map((s) => s.state)).toEqual(['pending', 'pending']);
    const first = await job.run();
    expect(first.accounts.map((s) => [s.account, s.state, s.pendingChanges, s.lagMs])).toEqual([[A, 'in-sync', 0, 0], [B, 'in-sync', 0, 0]]);
    expect(first.accounts[0]?.lastPass?.created).toBe(35);
    expect(first.accounts[0]?.lastPass?.commits).toBeGreaterThan(1);
    const want = await replicated(master);
    expect(await replicated(children.get(A) as ConfigStore)).toBe(want);
    expect(await replicated(children.get(B) as ConfigStore)).toBe(want);

    // a second pass writes nothing
    expect((await job.run()).accounts.map((s) => s.lastPass?.commits)).toEqual([0, 0]);

    // a change on the master is reported as lag, then reaches both
    const config = { store: master, clock, hasher };
    await updateItem(config, admin, { type: 'clusters', key: 'Infra', data: aCluster('Infra', { NotificationSettingsId: 'infra', ShortName: 'IF' }), expectedVersion: 1 });
    expect((await replicationStatus(deps, admin)).map((s) => [s.state, s.pendingChanges])).toEqual([['behind', 1], ['behind', 1]]);
    const second = await job.run();
    expect(second.accounts.map((s) => [s.state, s.lastPass?.updated, s.lagMs])).toEqual([['in-sync', 1, 0], ['in-sync', 1, 0]]);
    for (const account of [A, B]) expect((await children.get(account)?.get('clusters', 'Infra'))?.data).toMatchObject({ Value: { ShortName: 'IF' } });

    // child B goes down: A still gets the next change, B is reported failing and behind
    await b.stop();
    await createItem(config, admin, 'clusters', aCluster('Late'));
    const partial = await job.run();
    expect(partial.accounts.map((s) => s.state)).toEqual(['in-sync', 'failing']);
    expect(partial.accounts[1]).toMatchObject({ pendingChanges: 1, error: { code: 'dependency-unavailable' } });
    expect(JSON.stringify(partial.accounts[1]?.error)).not.toMatch(/secret|AccessKey/i);
    expect(await children.get(A)?.get('clusters', 'Late')).toBeDefined();
    expect(await replicated(children.get(A) as ConfigStore)).toBe(await replicated(master));
  }, 180_000);
});
