import { beforeEach, describe, expect, it } from 'vitest';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aService, anUpstream, anLbSetting } from '@envmgr/test-support';
import { aTestApp, type TestApp } from '../testing.js';

const C = '/api/v1/config';

describe('configuration items over HTTP', () => {
  let t: TestApp;
  beforeEach(() => {
    t = aTestApp();
  });

  const seed = async () => {
    for (const [type, doc] of [
      ['clusters', aCluster()],
      ['environment-types', anEnvironmentType()],
      ['services', aService()],
      ['deployment-maps', aDeploymentMap('Standard', ['Search'])],
      ['environments', anEnvironment()],
    ] as const) {
      const r = await t.call('POST', `${C}/${type}`, { body: doc });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  };

  it('creates with 201, ETag and Location, then reads it back', async () => {
    const r = await t.call('POST', `${C}/clusters`, { body: aCluster() });
    expect(r.status).toBe(201);
    expect(r.headers.get('etag')).toBe('"1"');
    expect(r.headers.get('location')).toBe(`${C}/clusters/Infra`);
    expect(r.body).toEqual({ ...aCluster(), Version: 1 });
    const g = await t.call('GET', `${C}/clusters/Infra`);
    expect(g.body).toEqual({ ...aCluster(), Version: 1 });
    expect(g.headers.get('etag')).toBe('"1"');
  });

  it('refuses a name that differs only in case from an existing one', async () => {
    await t.call('POST', `${C}/clusters`, { body: aCluster('Infra') });
    const r = await t.call('POST', `${C}/clusters`, { body: aCluster('INFRA') });
    expect(r.status).toBe(409);
    expect(r.body.detail).toBe("the name 'INFRA' differs only in case from cluster 'Infra'; pick another name");
  });

  it('refuses to create an existing key with 409', async () => {
    await t.call('POST', `${C}/clusters`, { body: aCluster() });
    const r = await t.call('POST', `${C}/clusters`, { body: aCluster() });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'already-exists', status: 409, type: '/problems/already-exists' });
    expect(r.headers.get('content-type')).toBe('application/problem+json');
  });

  it('updates with If-Match, expected-version or the body Version, and needs one of them', async () => {
    await t.call('POST', `${C}/clusters`, { body: aCluster() });
    const none = await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster('Infra', { KeyPair: 'a' }) });
    expect(none.status).toBe(428);
    expect(none.body.code).toBe('version-required');
    const a = await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster('Infra', { KeyPair: 'a' }), headers: { 'if-match': '"1"' } });
    expect(a.status).toBe(200);
    expect(a.headers.get('etag')).toBe('"2"');
    const b = await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster('Infra', { KeyPair: 'b' }), headers: { 'expected-version': '2' } });
    expect(b.body.Version).toBe(3);
    const c = await t.call('PUT', `${C}/clusters/Infra`, { body: { ...aCluster('Infra', { KeyPair: 'c' }), Version: 3 } });
    expect(c.body).toEqual({ ...aCluster('Infra', { KeyPair: 'c' }), Version: 4 });
  });

  it('answers a stale version with 409 version-conflict and the current version', async () => {
    await t.call('POST', `${C}/clusters`, { body: aCluster() });
    await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster('Infra', { KeyPair: 'a' }), headers: { 'if-match': '"1"' } });
    const r = await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster('Infra', { KeyPair: 'b' }), headers: { 'if-match': '"1"' } });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'version-conflict', currentVersion: 2, expectedVersion: 1 });
  });

  it('rejects disagreeing or malformed version headers with 400', async () => {
    await t.call('POST', `${C}/clusters`, { body: aCluster() });
    const bad = await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster(), headers: { 'if-match': 'nonsense' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toEqual({ path: 'header.if-match', message: 'must be an ETag this server issued, such as "3"' });
    const two = await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster(), headers: { 'if-match': '"1"', 'expected-version': '2' } });
    expect(two.status).toBe(400);
  });

  it('refuses to rename an item through its URL', async () => {
    await t.call('POST', `${C}/clusters`, { body: aCluster() });
    const r = await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster('Other'), headers: { 'if-match': '"1"' } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('ClusterName');
  });

  it('deletes with 204 and then answers 404', async () => {
    await t.call('POST', `${C}/clusters`, { body: aCluster() });
    expect((await t.call('DELETE', `${C}/clusters/Infra`)).status).toBe(428);
    expect((await t.call('DELETE', `${C}/clusters/Infra`, { headers: { 'if-match': '"1"' } })).status).toBe(204);
    const g = await t.call('GET', `${C}/clusters/Infra`);
    expect(g.status).toBe(404);
    expect(g.body).toMatchObject({ code: 'not-found', detail: "cluster 'Infra' does not exist" });
  });

  it('reports a dangling reference with the path of the field', async () => {
    await t.call('POST', `${C}/clusters`, { body: aCluster() });
    const r = await t.call('POST', `${C}/environments`, { body: anEnvironment('c50') });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'Value.EnvironmentType', message: "environment type 'Dev' does not exist" },
        { path: 'Value.DeploymentMap', message: "deployment map 'Standard' does not exist" },
      ]),
    );
    expect((await t.call('GET', `${C}/environments/c50`)).status).toBe(404);
  });

  it('refuses to delete a referenced item with 409 naming the referrer', async () => {
    await seed();
    const r = await t.call('DELETE', `${C}/environment-types/Dev`, { headers: { 'if-match': '"1"' } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('still-referenced');
    expect(r.body.detail).toContain("environments 'c50'");
  });

  it("enforces an environment type's naming pattern", async () => {
    await seed();
    await t.call('PUT', `${C}/environment-types/Dev`, { body: anEnvironmentType('Dev', { NamingPattern: '^d\\d+$' }), headers: { 'if-match': '"1"' } });
    const r = await t.call('POST', `${C}/environments`, { body: anEnvironment('x1') });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toEqual({ path: 'EnvironmentName', message: "'x1' does not match the naming pattern '^d\\d+$' of environment type 'Dev'" });
  });

  it('keeps service ports unique and fixed', async () => {
    await seed();
    const dup = await t.call('POST', `${C}/services`, { body: aService('Other', [40101, 40102]) });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('not-unique');
    const moved = await t.call('PUT', `${C}/services/Search`, { body: aService('Search', [40200, 40201]), headers: { 'if-match': '"1"' } });
    expect(moved.status).toBe(400);
    expect(moved.body.errors.map((e: { path: string }) => e.path)).toEqual(['Value.BluePort', 'Value.GreenPort']);
  });

  it('lists in pages with X-Next-Cursor and Link, and filters', async () => {
    for (const n of ['Aa', 'Bb', 'Cc', 'Dd', 'Ee']) await t.call('POST', `${C}/clusters`, { body: aCluster(n) });
    const p1 = await t.call('GET', `${C}/clusters?limit=2`);
    expect(p1.body.map((i: { ClusterName: string }) => i.ClusterName)).toEqual(['Aa', 'Bb']);
    const cursor = p1.headers.get('x-next-cursor') ?? '';
    expect(p1.headers.get('link')).toContain('rel="next"');
    const p2 = await t.call('GET', `${C}/clusters?limit=2&cursor=${cursor}`);
    expect(p2.body.map((i: { ClusterName: string }) => i.ClusterName)).toEqual(['Cc', 'Dd']);
    const p3 = await t.call('GET', `${C}/clusters?limit=2&cursor=${p2.headers.get('x-next-cursor') ?? ''}`);
    expect(p3.body.map((i: { ClusterName: string }) => i.ClusterName)).toEqual(['Ee']);
    expect(p3.headers.get('x-next-cursor')).toBeNull();
    await t.call('POST', `${C}/services`, { body: aService('S1', [40000, 40001], 'Bb') });
    expect((await t.call('GET', `${C}/services?cluster=Bb`)).body).toHaveLength(1);
    expect((await t.call('GET', `${C}/services?cluster=Aa`)).body).toHaveLength(0);
    expect((await t.call('GET', `${C}/clusters?cursor=garbage`)).status).toBe(400);
    expect((await t.call('GET', `${C}/clusters?limit=0`)).status).toBe(400);
  });

  it('refuses an LB setting nginx could not take, or whose server name another virtual host of the environment serves', async () => {
    await seed();
    expect((await t.call('POST', `${C}/upstreams`, { body: anUpstream() })).status).toBe(201);
    expect((await t.call('POST', `${C}/lb-settings`, { body: anLbSetting() })).status).toBe(201);
    const clash = anLbSetting('c50', 'search2');
    const twice = await t.call('POST', `${C}/lb-settings`, { body: clash });
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0]).toMatchObject({ path: 'Value.ServerName.0', message: expect.stringContaining('is already served by lb-settings c50/search') });
    const badValue = { ...clash, Value: { ...(clash['Value'] as object), ServerName: ['search2.c50 other'] } };
    const split = await t.call('POST', `${C}/lb-settings`, { body: badValue });
    expect(split.status).toBe(400);
    expect(split.body.errors[0]).toMatchObject({ path: 'Value.ServerName.0', message: expect.stringContaining('must be one nginx argument') });
    expect((await t.call('GET', `${C}/lb-settings/c50/search2`)).status).toBe(404);
  });

  it('addresses lb settings by environment and vhost, and upstreams by key', async () => {
    await seed();
    // an LB setting whose ProxyPass names no upstream is refused with the field path, before anything is stored
    const early = await t.call('POST', `${C}/lb-settings`, { body: anLbSetting() });
    expect(early.status).toBe(400);
    expect(early.body.errors).toEqual([{ path: 'Value.Locations.0.ProxyPass', message: expect.stringContaining("names 'c50-search', which is not an upstream") }]);
    const up = await t.call('POST', `${C}/upstreams`, { body: anUpstream() });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const lb = await t.call('POST', `${C}/lb-settings`, { body: anLbSetting() });
    expect(lb.status, JSON.stringify(lb.body)).toBe(201);
    expect(lb.headers.get('location')).toBe(`${C}/lb-settings/c50/search`);
    expect((await t.call('GET', `${C}/lb-settings/c50/search`)).body.Version).toBe(1);
    expect((await t.call('GET', `${C}/upstreams/${encodeURIComponent('/c50_c50-search/config')}`)).status).toBe(200);
    expect((await t.call('GET', `${C}/upstreams/c50_c50-search`)).status).toBe(200);
    const wrongPort = anUpstream('c50', 'Search', [40100, 49999]);
    const bad = await t.call('PUT', `${C}/upstreams/c50_c50-search`, { body: wrongPort, headers: { 'if-match': '"1"' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('Value.Hosts.1.Port');
  });
});
