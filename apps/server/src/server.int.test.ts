import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './testing.js';

const cluster = (keyPair: string) => ({ ClusterName: 'Infra', Value: { ShortName: 'IN', KeyPair: keyPair } });

async function put(srv: RunningServer, version: number, keyPair: string): Promise<Response> {
  return srv.fetch(`/api/v1/config/clusters/Infra`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
    body: JSON.stringify(cluster(keyPair)),
  });
}

describe('EM server on SQLite', () => {
  let s: RunningServer | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  it('50 concurrent writers of one version: one wins, 49 get 409, and the audit agrees', async () => {
    s = await startServer();
    const created = await s.fetch(`/api/v1/config/clusters`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cluster('start')) });
    expect(created.status).toBe(201);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => put(s!, 1, `w${i}`).then(async (r) => ({ i, status: r.status, body: (await r.json()) as { Version?: number; code?: string } }))));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'version-conflict')).toBe(true);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    const final = (await (await s.fetch(`/api/v1/config/clusters/Infra`)).json()) as { Value: { KeyPair: string }; Version: number };
    expect(final).toMatchObject({ Version: 2, Value: { KeyPair: `w${winners[0]!.i}` } });
  });

  it('50 concurrent writers that re-read and retry: no update is lost', async () => {
    s = await startServer();
    await s.fetch(`/api/v1/config/clusters`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cluster('start')) });
    const srv = s;
    let conflicts = 0;
    const successes: { keyPair: string; version: number }[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        for (let attempt = 0; attempt < 500; attempt++) {
          const current = (await (await srv.fetch(`/api/v1/config/clusters/Infra`)).json()) as { Version: number };
          const r = await put(srv, current.Version, `w${i}`);
          if (r.status === 200) {
            successes.push({ keyPair: `w${i}`, version: ((await r.json()) as { Version: number }).Version });
            return;
          }
          expect(r.status).toBe(409);
          conflicts++;
          await r.body?.cancel();
        }
      }),
    );
    expect(successes).toHaveLength(50);
    const audit = (await (await srv.fetch(`/api/v1/config/clusters/Infra/history?limit=100`)).json()) as { version: number; after: { Value: { KeyPair: string } } }[];
    const updates = audit.filter((r) => r.version > 1);
    expect(updates).toHaveLength(50);
    for (const s1 of successes) expect(updates.find((u) => u.version === s1.version)?.after.Value.KeyPair).toBe(s1.keyPair);
    const last = successes.reduce((a, b) => (b.version > a.version ? b : a));
    const final = (await (await srv.fetch(`/api/v1/config/clusters/Infra`)).json()) as { Version: number; Value: { KeyPair: string } };
    expect(final).toMatchObject({ Version: 51, Value: { KeyPair: last.keyPair } });
    expect(conflicts).toBeGreaterThan(0);
    expect(await (await srv.fetch(`/api/v1/audit/verify`)).json()).toEqual({ ok: true, checked: 54 }); // 3 records come from creating the admin user
  });

  it('keeps configuration and the audit chain across a restart', async () => {
    s = await startServer();
    await s.fetch(`/api/v1/config/clusters`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cluster('a')) });
    const dataDir = s.dataDir;
    await s.stop({ keepData: true });
    s = await startServer({ dataDir });
    expect((await (await s.fetch(`/api/v1/config/clusters/Infra`)).json()) as object).toMatchObject({ Version: 1 });
    expect((await put(s, 1, 'b')).status).toBe(200);
    expect(await (await s.fetch(`/api/v1/audit/verify`)).json()).toEqual({ ok: true, checked: 5 });
  });

  it('export → import into a new data dir → the same export bytes (SQLite)', async () => {
    s = await startServer();
    const post = (srv: RunningServer, type: string, body: unknown) =>
      srv.fetch(`/api/v1/config/${type}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(s, 'clusters', cluster('k'))).status).toBe(201);
    expect((await post(s, 'environment-types', { EnvironmentType: 'Dev', Value: { SchemaVersion: 5 } })).status).toBe(201);
    expect((await post(s, 'services', { ServiceName: 'Search', OwningCluster: 'Infra', Value: { BluePort: 40100, GreenPort: 40101 } })).status).toBe(201);
    expect((await post(s, 'environments', { EnvironmentName: 'c50', Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra' } })).status).toBe(201);
    expect((await put(s, 1, 'k2')).status).toBe(200);
    const exported = await (await s.fetch(`/api/v1/config/export`)).text();
    await s.stop();
    s = await startServer();
    const imported = await s.fetch(`/api/v1/config/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exported });
    expect(imported.status).toBe(200);
    expect(await (await s.fetch(`/api/v1/config/export`)).text()).toBe(exported);
  });

  it('serves the OpenAPI document and the docs page with its assets', async () => {
    s = await startServer();
    const doc = (await (await s.fetch(`/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/config/environments/{key}', '/api/v1/config/lb-settings/{environment}/{vhost}', '/api/v1/audit', '/api/v1/config/import']));
    const page = await (await s.fetch(`/docs`)).text();
    expect(page).toContain('/docs/assets/swagger-ui-bundle.js');
    const js = await s.fetch(`/docs/assets/swagger-ui-bundle.js`);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(100_000);
  });
});
