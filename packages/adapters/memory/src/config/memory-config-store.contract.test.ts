import { configStoreContract } from '@envmgr/ports/testing';
import { createMemoryConfigStore } from './memory-config-store.js';

configStoreContract('memory', async () => {
  const store = createMemoryConfigStore();
  return { store, dispose: () => store.close() };
});
