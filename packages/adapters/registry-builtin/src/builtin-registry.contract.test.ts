import { registryContract } from '@envmgr/ports/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuiltinRegistry } from './builtin-registry.js';

registryContract('built-in, called directly', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-registry-'));
  const registry = createBuiltinRegistry({ path: join(dir, 'registry.db') });
  return {
    a: { registry: registry.asNode({ name: 'node-a', address: '10.0.0.1' }), node: 'node-a', address: '10.0.0.1' },
    b: { registry: registry.asNode({ name: 'node-b', address: '10.0.0.2' }), node: 'node-b', address: '10.0.0.2' },
    dispose: async () => {
      try {
        await registry.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
});
