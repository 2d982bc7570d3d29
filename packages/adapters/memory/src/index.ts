export { createMemoryConfigStore } from './config/memory-config-store.js';
export { createMemoryCredentialStore } from './identity/memory-credential-store.js';
