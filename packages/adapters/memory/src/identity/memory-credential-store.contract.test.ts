import { credentialStoreContract } from '@envmgr/ports/testing';
import { createMemoryCredentialStore } from './memory-credential-store.js';

credentialStoreContract('memory', async () => {
  const store = createMemoryCredentialStore();
  return { store, dispose: () => store.close() };
});
