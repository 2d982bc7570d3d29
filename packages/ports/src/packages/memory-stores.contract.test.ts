import { blobStoreContract } from './blob-store.contract.js';
import { createMemoryBlobStore, createMemoryPackageStore } from './memory-stores.js';
import { packageStoreContract } from './package-store.contract.js';

// The fakes that app and http tests use must behave like the real adapters.
packageStoreContract('memory', async () => ({ store: createMemoryPackageStore(), dispose: async () => undefined }));
blobStoreContract('memory', async () => ({ store: createMemoryBlobStore(), dispose: async () => undefined }));
