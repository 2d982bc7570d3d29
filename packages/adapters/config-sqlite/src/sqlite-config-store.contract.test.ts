import { configStoreContract } from '@envmgr/ports/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteConfigStore } from './sqlite-config-store.js';

configStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-config-sqlite-'));
  const store = createSqliteConfigStore({ path: join(dir, 'config.db') });
  return {
    store,
    dispose: async () => {
      try {
        await store.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
});
