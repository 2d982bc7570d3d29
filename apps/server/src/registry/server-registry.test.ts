import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuiltinRegistry, startRegistryServer, type BuiltinRegistry, type RegistryServer } from '@envmgr/adapter-registry-builtin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { chooseServerRegistry } from './server-registry.js';

// ENVMGR_REGISTRY_URL: the server works with an external registry (here a built-in one served on loopback, as a
// standalone registry or Consul would be) and starts none of its own.
describe('the server registry', () => {
  let dir: string;
  let external: BuiltinRegistry;
  let served: RegistryServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envmgr-server-registry-'));
    external = createBuiltinRegistry({ path: join(dir, 'external.db') });
    served = await startRegistryServer({ registry: external, host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await served?.close();
    await external?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('with a URL, reads and writes the external registry, acts for nodes there, and serves nothing itself', async () => {
    const chosen = chooseServerRegistry({ path: join(dir, 'own.db'), url: `${served.url}/` });
    await chosen.registry.kvPut('environments/c50/x', 'one');
    expect((await external.kvGet('environments/c50/x')).value?.value).toBe('one');
    await chosen.registry.asNode({ name: 'i-1', address: '10.0.0.1' }).registerService({ id: 'c50-Hello', name: 'c50-Hello', tags: [], checks: [] });
    expect((await external.catalogService('c50-Hello')).value.map((e) => [e.node.node, e.node.address])).toEqual([['i-1', '10.0.0.1']]);
    const server = await chosen.serve({ port: 0 });
    expect(server.url).toBe(served.url);
    await server.close();
    await chosen.registry.close();
    // still up: closing the server's view of an external registry leaves the registry alone
    expect((await external.kvGet('environments/c50/x')).value?.value).toBe('one');
  });

  it('without one, keeps the built-in registry in its file and serves it', async () => {
    const chosen = chooseServerRegistry({ path: join(dir, 'own.db') });
    const server = await chosen.serve({ port: 0 });
    try {
      await chosen.registry.kvPut('k', 'v');
      const r = await fetch(`${server.url}/v1/kv/k?raw`);
      expect(await r.text()).toBe('v');
    } finally {
      await server.close();
      await chosen.registry.close();
    }
  });

  it('refuses a driver lease shorter than three driver intervals, and a registry token without a registry URL', () => {
    const r = loadConfig({ ENVMGR_DRIVER_INTERVAL_MS: '1000', ENVMGR_DRIVER_LEASE_MS: '2000', ENVMGR_REGISTRY_TOKEN: 'secret-token' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^ENVMGR_DRIVER_LEASE_MS: must be at least 3 times/), expect.stringMatching(/^ENVMGR_REGISTRY_TOKEN: has no effect/)]));
    expect(r.problems.join(' ')).not.toContain('secret-token');
    const ok = loadConfig({ ENVMGR_DRIVER_LEASE_MS: '3000', ENVMGR_DRIVER_INTERVAL_MS: '200', ENVMGR_REGISTRY_URL: 'http://127.0.0.1:8500' });
    expect(ok.ok && ok.config.driverLeaseMs).toBe(3000);
  });
});
