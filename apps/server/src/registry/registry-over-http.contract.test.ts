import { createBuiltinRegistry, startRegistryServer } from '@envmgr/adapter-registry-builtin';
import { createConsulRegistry } from '@envmgr/adapter-registry-consul';
import { registryContract } from '@envmgr/ports/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The deployment agent and the EM server talk to the registry through the Consul client; here that client runs
// against the built-in registry's Consul HTTP API on a free loopback port, one client per node. This lives in
// apps/server because adapters may not import each other (STYLE §3).
registryContract('Consul client over HTTP to the built-in server', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-registry-http-'));
  const registry = createBuiltinRegistry({ path: join(dir, 'registry.db') });
  const server = await startRegistryServer({ registry, host: '127.0.0.1', port: 0 });
  const client = (node: string, address: string) => ({
    registry: createConsulRegistry({ baseUrl: server.url, node: { name: node, address } }),
    node,
    address,
  });
  return {
    a: client('node-a', '10.0.0.1'),
    b: client('node-b', '10.0.0.2'),
    dispose: async () => {
      try {
        await server.close();
        await registry.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
});
