import { deploymentStoreContract } from '@envmgr/ports/testing';
import { createMemoryDeploymentStore } from './memory-deployment-store.js';

deploymentStoreContract('memory', async (indexOf) => {
  const store = createMemoryDeploymentStore({ indexOf });
  return { store, dispose: () => store.close() };
});
