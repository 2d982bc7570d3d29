import { describe, expect, it } from 'vitest';
import { aCluster } from '@envmgr/test-support';
import { aTestApp } from '../testing.js';

const C = '/api/v1/config';

describe('audit over HTTP', () => {
  it('records who, when, what, before and after of every write', async () => {
    const t = aTestApp();
    await t.call('POST', `${C}/clusters`, { body: aCluster(), headers: { 'x-test-user': 'alice', 'x-request-id': 'r-create' } });
    t.clock.advance(60_000);
    await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster('Infra', { KeyPair: 'k' }), headers: { 'if-match': '"1"', 'x-test-user': 'bob' } });
    const r = await t.call('GET', '/api/v1/audit');
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(2);
    expect(r.body[1]).toMatchObject({
      seq: 1, actor: 'alice', requestId: 'r-create', entityType: 'clusters', key: 'Infra', changeType: 'Created',
      before: null, after: aCluster(), version: 1, at: '2026-11-23T12:00:00.000Z',
    });
    expect(r.body[0]).toMatchObject({ seq: 2, actor: 'bob', changeType: 'Updated', before: aCluster(), after: aCluster('Infra', { KeyPair: 'k' }) });
    expect((await t.call('GET', '/api/v1/audit?actor=alice')).body).toHaveLength(1);
    expect((await t.call('GET', '/api/v1/audit?entityType=clusters&key=Nope')).body).toHaveLength(0);
    expect((await t.call('GET', '/api/v1/audit?since=2026-11-23T12:00:30Z')).body.map((x: { seq: number }) => x.seq)).toEqual([2]);
    expect((await t.call('GET', '/api/v1/audit?entityType=bogus')).status).toBe(400);
  });

  it('defaults to the last 24 hours and pages with a cursor', async () => {
    const t = aTestApp();
    for (const n of ['A1', 'A2', 'A3']) await t.call('POST', `${C}/clusters`, { body: aCluster(n) });
    t.clock.advance(25 * 3600_000);
    await t.call('POST', `${C}/clusters`, { body: aCluster('B1') });
    expect((await t.call('GET', '/api/v1/audit')).body.map((x: { key: string }) => x.key)).toEqual(['B1']);
    const p1 = await t.call('GET', '/api/v1/audit?since=2026-01-01T00:00:00Z&limit=2');
    expect(p1.body.map((x: { key: string }) => x.key)).toEqual(['B1', 'A3']);
    const p2 = await t.call('GET', `/api/v1/audit?since=2026-01-01T00:00:00Z&limit=2&cursor=${p1.headers.get('x-next-cursor') ?? ''}`);
    expect(p2.body.map((x: { key: string }) => x.key)).toEqual(['A2', 'A1']);
  });

  it('shows one item history and reverts to an earlier version as a new version', async () => {
    const t = aTestApp();
    await t.call('POST', `${C}/clusters`, { body: aCluster() });
    await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster('Infra', { KeyPair: 'k2' }), headers: { 'if-match': '"1"' } });
    const h = await t.call('GET', `${C}/clusters/Infra/history`);
    expect(h.body.map((x: { version: number }) => x.version)).toEqual([2, 1]);
    expect((await t.call('POST', `${C}/clusters/Infra/revert`, { body: { version: 1 } })).status).toBe(428);
    const r = await t.call('POST', `${C}/clusters/Infra/revert`, { body: { version: 1 }, headers: { 'if-match': '"2"' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...aCluster(), Version: 3 });
    expect((await t.call('POST', `${C}/clusters/Infra/revert`, { body: { version: 9 }, headers: { 'if-match': '"3"' } })).status).toBe(404);
  });

  it('restores a deleted item from its history', async () => {
    const t = aTestApp();
    await t.call('POST', `${C}/clusters`, { body: aCluster() });
    await t.call('DELETE', `${C}/clusters/Infra`, { headers: { 'if-match': '"1"' } });
    const r = await t.call('POST', `${C}/clusters/Infra/revert`, { body: { version: 1 } });
    expect(r.status).toBe(200);
    expect(r.body.Version).toBe(2);
    const h = await t.call('GET', `${C}/clusters/Infra/history`);
    expect(h.body.map((x: { changeType: string }) => x.changeType)).toEqual(['Created', 'Deleted', 'Created']);
  });

  it('verifies the chain, and finds a record changed after it was written', async () => {
    const t = aTestApp();
    for (const n of ['A1', 'A2', 'A3']) await t.call('POST', `${C}/clusters`, { body: aCluster(n) });
    expect((await t.call('GET', '/api/v1/audit/verify')).body).toEqual({ ok: true, checked: 3 });
    const chain = t.store.auditChain.bind(t.store);
    t.store.auditChain = async (after, limit) => (await chain(after, limit)).map((r) => (r.seq === 2 ? { ...r, actor: 'mallory' } : r));
    expect((await t.call('GET', '/api/v1/audit/verify')).body).toEqual({ ok: false, checked: 1, brokenAt: { seq: 2, reason: 'the record was changed after it was written' } });
  });
});
