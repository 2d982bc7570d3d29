import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Context } from 'hono';
import { createInProcessEventBus, createMemoryConfigStore } from '@envmgr/adapter-memory';
import type { Actor } from '@envmgr/domain';
import { createMemoryBlobStore } from '@envmgr/ports/testing';
import { aCluster, aFixedClock, sequentialIds } from '@envmgr/test-support';
import { createHttpApp } from '../app.js';
import { aTestIdentity, testAdmin } from '../testing.js';

const viewer = (name: string): Actor => ({ name, kind: 'user', user: name, permissions: [{ Resource: '/config/**', Access: 'PUT' }] });

function anApp() {
  const store = createMemoryConfigStore();
  const clock = aFixedClock(Date.UTC(2026, 2, 1, 3));
  const hasher = { sha256: (t: string) => createHash('sha256').update(t).digest('hex') };
  const events: string[] = [];
  const bus = createInProcessEventBus({ now: clock.now });
  bus.subscribe((e) => void events.push(e.type));
  const app = createHttpApp({
    config: { store, clock, hasher },
    ids: sequentialIds('req'),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    identity: aTestIdentity(store, clock),
    authenticate: (c: Context) => Promise.resolve(c.req.header('x-test-user') === 'bob' ? viewer('bob') : testAdmin('alice')),
    backup: { store, blobs: createMemoryBlobStore({ clock }), clock, hasher, events: bus },
  });
  const call = async (method: string, path: string, user = 'alice', body?: unknown) => {
    const res = await app.request(path, { method, headers: { 'x-test-user': user, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown> & { backup: { id: string } }) : undefined };
  };
  return { call, events };
}

describe('backup routes', () => {
  it('backs up, lists and restores with a dry run, for administrators only, announcing each', async () => {
    const { call, events } = anApp();
    expect((await call('POST', '/api/v1/config/clusters', 'alice', aCluster())).status).toBe(201);
    expect((await call('POST', '/api/v1/backups', 'bob', {})).status).toBe(403);
    expect((await call('GET', '/api/v1/backups', 'bob')).status).toBe(403);
    const made = await call('POST', '/api/v1/backups', 'alice', {});
    expect(made).toMatchObject({ status: 201, body: { backup: { id: '20260301T030000Z', createdBy: 'alice', items: { clusters: 1 } }, pruned: [] } });
    expect((await call('GET', '/api/v1/backups')).body).toMatchObject([{ id: '20260301T030000Z' }]);
    expect((await call('POST', '/api/v1/backups/20260301T030000Z/restore?dryRun=true', 'bob', {})).status).toBe(403);
    const dry = await call('POST', '/api/v1/backups/20260301T030000Z/restore?dryRun=true', 'alice', {});
    expect(dry).toMatchObject({ status: 200, body: { dryRun: true, mode: 'replace', summary: { unchanged: 1, create: 0 } } });
    expect((await call('POST', '/api/v1/backups/nope/restore', 'alice', {})).status).toBe(404);
    expect(events).toEqual(['backup.created']);
  });
});
