import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Context } from 'hono';
import { createInProcessLock, createMemoryConfigStore } from '@envmgr/adapter-memory';
import { createReplicationJob, type ReplicationDeps } from '@envmgr/app';
import type { Actor } from '@envmgr/domain';
import { createMemoryBlobStore } from '@envmgr/ports/testing';
import { aCluster, aFixedClock, sequentialIds } from '@envmgr/test-support';
import { createHttpApp } from '../app.js';
import { aTestIdentity, testAdmin } from '../testing.js';

const viewer = (name: string): Actor => ({ name, kind: 'user', user: name, permissions: [{ Resource: '/config/**', Access: 'PUT' }] });

function anApp() {
  const store = createMemoryConfigStore();
  const child = createMemoryConfigStore();
  const clock = aFixedClock(Date.UTC(2026, 2, 1, 3));
  const hasher = { sha256: (t: string) => createHash('sha256').update(t).digest('hex') };
  const deps: ReplicationDeps = {
    store, blobs: createMemoryBlobStore({ clock }), clock,
    targets: () => Promise.resolve([{ account: '111111111111', open: () => Promise.resolve({ ...child, close: () => Promise.resolve() }) }]),
  };
  const app = createHttpApp({
    config: { store, clock, hasher },
    ids: sequentialIds('req'),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    identity: aTestIdentity(store, clock),
    authenticate: (c: Context) => Promise.resolve(c.req.header('x-test-user') === 'bob' ? viewer('bob') : testAdmin('alice')),
    replication: { deps, job: createReplicationJob(deps, { lock: createInProcessLock({ clock }), holder: 'h' }) },
  });
  const call = async (method: string, path: string, user = 'alice', body?: unknown) => {
    const res = await app.request(path, { method, headers: { 'x-test-user': user, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { call, child };
}

describe('replication routes', () => {
  it('reports each account, runs a pass for administrators only, and shows the lag gone', async () => {
    const { call, child } = anApp();
    expect((await call('POST', '/api/v1/config/clusters', 'alice', aCluster())).status).toBe(201);
    expect(await call('GET', '/api/v1/replication', 'bob')).toMatchObject({ status: 200, body: { accounts: [{ account: '111111111111', state: 'pending', lagMs: null }] } });
    expect((await call('POST', '/api/v1/replication/run', 'bob', {})).status).toBe(403);
    const run = await call('POST', '/api/v1/replication/run', 'alice', {});
    expect(run).toMatchObject({ status: 200, body: { ran: true, accounts: [{ state: 'in-sync', pendingChanges: 0, lagMs: 0, lastPass: { created: 1 } }] } });
    expect((await child.get('clusters', 'Infra'))?.data).toEqual(aCluster());
    expect(await call('GET', '/api/v1/replication', 'bob')).toMatchObject({ status: 200, body: { accounts: [{ state: 'in-sync', lagMs: 0 }] } });
  });
});
