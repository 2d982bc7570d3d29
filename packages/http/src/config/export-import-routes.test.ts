import { describe, expect, it } from 'vitest';
import { aCluster, aDeploymentMap, anEnvironment, anEnvironmentType, aService } from '@envmgr/test-support';
import { aTestApp, type TestApp } from '../testing.js';

const C = '/api/v1/config';

async function seed(t: TestApp): Promise<void> {
  for (const [type, doc] of [
    ['clusters', aCluster()],
    ['environment-types', anEnvironmentType()],
    ['services', aService()],
    ['deployment-maps', aDeploymentMap('Standard', ['Search'])],
    ['environments', anEnvironment()],
  ] as const) {
    expect((await t.call('POST', `${C}/${type}`, { body: doc })).status).toBe(201);
  }
  await t.call('PUT', `${C}/clusters/Infra`, { body: aCluster('Infra', { KeyPair: 'k' }), headers: { 'if-match': '"1"' } });
}

describe('export and import over HTTP', () => {
  it('export → import into an empty server → the same export, byte for byte', async () => {
    const a = aTestApp();
    await seed(a);
    const exported = await a.app.request(`${C}/export`);
    const text = await exported.text();
    const doc = JSON.parse(text) as { items: Record<string, unknown[]> };
    expect(doc.items.clusters).toEqual([{ ...aCluster('Infra', { KeyPair: 'k' }), Version: 2 }]);
    const b = aTestApp();
    const imported = await b.call('POST', `${C}/import`, { raw: text });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.summary).toEqual({ create: 5, update: 0, delete: 0, unchanged: 0 });
    expect(await (await b.app.request(`${C}/export`)).text()).toBe(text);
    const again = await b.call('POST', `${C}/import`, { raw: text });
    expect(again.body.summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 5 });
  });

  it('a dry run reports the diff and changes nothing', async () => {
    const t = aTestApp();
    await seed(t);
    const doc = { format: 'envmgr-config', formatVersion: 1, items: { clusters: [{ ...aCluster('Infra', { KeyPair: 'new' }), Version: 2 }, { ...aCluster('Web'), Version: 1 }] } };
    const r = await t.call('POST', `${C}/import?dryRun=true`, { body: doc });
    expect(r.body).toMatchObject({ dryRun: true, mode: 'merge', summary: { create: 1, update: 1, delete: 0, unchanged: 0 } });
    expect(r.body.changes).toEqual([
      { op: 'update', type: 'clusters', key: 'Infra', fromVersion: 2, toVersion: 3 },
      { op: 'create', type: 'clusters', key: 'Web', toVersion: 1 },
    ]);
    expect((await t.call('GET', `${C}/clusters/Web`)).status).toBe(404);
  });

  it('replace deletes what the document lacks, unless something still refers to it', async () => {
    const t = aTestApp();
    await seed(t);
    const doc = { format: 'envmgr-config', formatVersion: 1, items: { 'environment-types': [{ ...anEnvironmentType('Prod'), Version: 1 }] } };
    const refused = await t.call('POST', `${C}/import?mode=replace`, { body: doc });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toContain("environment type 'Dev', still used by environment 'c50'");
    const ok = await t.call('POST', `${C}/import?mode=replace`, { body: { ...doc, items: { ...doc.items, environments: [] } } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.summary).toEqual({ create: 1, update: 0, delete: 2, unchanged: 0 });
    expect((await t.call('GET', `${C}/environment-types/Dev`)).status).toBe(404);
    expect((await t.call('GET', `${C}/clusters/Infra`)).status).toBe(200);
  });

  it('a failed import lists every problem and changes nothing', async () => {
    const t = aTestApp();
    const doc = {
      format: 'envmgr-config',
      formatVersion: 1,
      items: {
        clusters: [{ ...aCluster('Infra'), Version: 1 }, { ...aCluster('Infra'), Version: 1 }],
        environments: [{ ...anEnvironment('c50'), Version: 1 }],
      },
    };
    const r = await t.call('POST', `${C}/import`, { body: doc });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'items.clusters.1', message: "cluster 'Infra' appears more than once" },
        { path: 'items.environments.0.Value.EnvironmentType', message: "environment type 'Dev' does not exist" },
      ]),
    );
    expect((await t.call('GET', `${C}/export`)).body.items.clusters).toEqual([]);
    const schemaBad = await t.call('POST', `${C}/import`, { body: { ...doc, items: { clusters: [{ ClusterName: 'X', Version: 1 }] } } });
    expect(schemaBad.status).toBe(400);
    expect(schemaBad.body.errors[0].path).toBe('items.clusters.0.Value');
  });

  it('exports one type as an EM-compatible array', async () => {
    const t = aTestApp();
    await seed(t);
    const r = await t.call('GET', `${C}/export/services`);
    expect(r.body).toEqual([{ ...aService(), Version: 1 }]);
    expect((await t.call('GET', `${C}/export?types=clusters,services`)).body.items).toEqual({
      clusters: [{ ...aCluster('Infra', { KeyPair: 'k' }), Version: 2 }],
      services: [{ ...aService(), Version: 1 }],
    });
    expect((await t.call('GET', `${C}/export?types=nope`)).status).toBe(400);
  });
});

describe('import of trainline/environment-manager exports', () => {
  const legacy = async (name: string): Promise<unknown> =>
    (await import(`../../../api-contract/src/config/fixtures/legacy/${name}.json`, { with: { type: 'json' } })).default;

  it('imports every resource of a sample EM export, in dependency order', async () => {
    const t = aTestApp();
    for (const r of ['accounts', 'notificationsettings', 'clusters', 'environmenttypes', 'services', 'deploymentmaps', 'environments', 'opsenvironments', 'lbsettings', 'lbupstream', 'permissions']) {
      const res = await t.call('PUT', `${C}/import/${r}`, { body: await legacy(r) });
      expect(res.status, `${r}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.summary.create, r).toBeGreaterThan(0);
    }
    const accounts = (await t.call('GET', `${C}/accounts`)).body as { AccountNumber: string }[];
    expect(accounts.every((a) => /^\d{12}$/.test(a.AccountNumber))).toBe(true);
    expect((await t.call('GET', '/api/v1/audit/verify')).body.ok).toBe(true);
  });

  it('answers 404 for an unknown resource and 400 for a bad export', async () => {
    const t = aTestApp();
    expect((await t.call('PUT', `${C}/import/widgets`, { body: [] })).status).toBe(404);
    const bad = await t.call('PUT', `${C}/import/clusters`, { body: [{ ClusterName: 'X', Value: { ShortName: 5 } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('0.Value.ShortName');
  });
});
