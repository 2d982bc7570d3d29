import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploymentStoreContract } from '@envmgr/ports/testing';
import { createSqliteDeploymentStore } from './sqlite-deployment-store.js';

deploymentStoreContract('sqlite', async (indexOf) => {
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-deployments-'));
  const store = createSqliteDeploymentStore({ path: join(dir, 'deployments.db'), indexOf });
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
